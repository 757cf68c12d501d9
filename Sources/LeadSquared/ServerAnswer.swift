import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// What became of one HTTP call: an answer, a failure before any answer, or nothing at all because the
/// caller was cancelled while waiting for the rate governor.
enum Exchange: Sendable {
    case answered(ServerAnswer)
    case failed(TransportFailure)
    case cancelled
}

/// A status line and (the start of) a body the server sent back.
struct ServerAnswer: Sendable {
    /// Bodies are read up to this size: receipts and error messages are small.
    static let maxBodyBytes = 16_384

    var status: Int
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// The server's own explanation: `Message` or `ExceptionMessage` of a JSON body, else the body's text,
    /// shortened; `nil` for an empty body.
    var serverMessage: String? {
        let text = String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        if let fields = decoded([String: ExplanationField].self) {
            let parts = ["Message", "ExceptionMessage"].compactMap { fields[$0]?.text }
            if !parts.isEmpty { return parts.joined(separator: " — ") }
        }
        return text.count > 300 ? text.prefix(300) + "…" : text
    }

    /// The longest pause a `Retry-After` header can impose: a server (or a proxy in front of it) asking for hours
    /// would otherwise stop every post that long.
    static let maxRetryAfter: Duration = .seconds(300)

    /// How long to hold off after a 429: the `Retry-After` header (whole seconds) if it asks for longer than
    /// `minimum`, else `minimum` (the window, which a 429 says is full); never longer than ``maxRetryAfter``.
    func retryAfter(atLeast minimum: Duration) -> Duration {
        let asked = headers.first(name: "Retry-After").flatMap(Int.init).map { Duration.seconds($0) }
        return max(min(asked ?? minimum, Self.maxRetryAfter), minimum)
    }

    func decoded<T: Decodable>(_ type: T.Type) -> T? {
        try? JSONDecoder().decode(type, from: Data(body.readableBytesView))
    }
}

/// One field of an error body: kept if it is text, ignored otherwise.
private struct ExplanationField: Decodable {
    let text: String?

    init(from decoder: any Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
    }
}

/// A call that got no status line back, and whether the request had been completely written before it failed:
/// the line between "nothing was posted" and "it may have been".
struct TransportFailure: Error {
    var error: any Error
    var requestSent: Bool

    /// Whether TLS could not be set up: the host's certificate is not trusted for its name, the host does
    /// not speak TLS, or only a version older than 1.2. Trying again will not help; the host setting (or the trust
    /// store, or the server) has to change.
    var isTLSRefusal: Bool {
        switch error {
        case NIOSSLError.handshakeFailed, is NIOSSLExtraError: true
        default: false
        }
    }

    /// Whether TLS failed because the host offers only TLS 1.0 or 1.1 (BoringSSL's `UNSUPPORTED_PROTOCOL` when the
    /// server picks an old version, `TLSV1_ALERT_PROTOCOL_VERSION` when it refuses every version offered).
    var isTLSVersionRefusal: Bool {
        guard case NIOSSLError.handshakeFailed(let reason) = error else { return false }
        let text = String(describing: reason)
        return ["UNSUPPORTED_PROTOCOL", "PROTOCOL_VERSION"].contains { text.contains($0) }
    }

    /// What went wrong, in a few words.
    var summary: String {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded: "no answer within the request timeout"
            case .remoteConnectionClosed: "the server closed the connection"
            case .connectTimeout: "connecting timed out"
            case .readTimeout: "the answer stopped arriving"
            case .cancelled: "the call was cancelled"
            default: String(describing: error)
            }
        case is CancellationError:
            "the call was cancelled"
        default:
            String(describing: error)
        }
    }
}
