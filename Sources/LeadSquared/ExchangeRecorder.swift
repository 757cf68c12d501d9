import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Follows one HTTP call for the client: remembers whether the request was completely written (the
/// `didSendRequest` callback) and collects the answer, so a failure can be told apart as "never sent" or
/// "sent, no answer" — and an answer cut short after its status line still counts as an answer.
final class ExchangeRecorder: HTTPClientResponseDelegate {
    typealias Response = ServerAnswer

    private struct Progress: Sendable {
        var requestSent = false
        var answer: ServerAnswer?
    }

    private let progress = NIOLockedValueBox(Progress())

    /// Whether the whole request had been handed to the network.
    var requestSent: Bool { progress.withLockedValue { $0.requestSent } }

    /// The answer so far, if a status line arrived.
    var answerSoFar: ServerAnswer? { progress.withLockedValue { $0.answer } }

    func didSendRequest(task: HTTPClient.Task<Response>) {
        progress.withLockedValue { $0.requestSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        progress.withLockedValue {
            // An answer before the request was fully written still means the server has decided.
            $0.requestSent = true
            $0.answer = ServerAnswer(status: Int(head.status.code), headers: head.headers, body: ByteBuffer())
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        progress.withLockedValue {
            guard let held = $0.answer?.body.readableBytes else { return }
            let kept = min(max(0, ServerAnswer.maxBodyBytes - held), buffer.readableBytes)
            $0.answer?.body.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex, length: kept)!)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> ServerAnswer {
        guard let answer = answerSoFar else { throw HTTPClientError.remoteConnectionClosed }
        return answer
    }
}
