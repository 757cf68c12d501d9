import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Posts internal notes on LeadSquared Service CRM tickets, one call per note, and says for each what became
/// of it (``PostOutcome``). Calls go through a ``RateGovernor`` so a backlog drains at the account's ceiling,
/// over one HTTP client that reuses connections and verifies TLS. Call ``shutdown()`` before dropping it.
public final class LeadSquaredClient: Sendable {
    public let configuration: Configuration
    /// The governor every call waits on; pass the same one to every client of the same access key.
    public let governor: RateGovernor<ContinuousClock>
    private let http: HTTPClient
    private let logger: Logger

    /// Creates a client; throws if the configuration cannot work (see ``Configuration/validate()``).
    public init(
        configuration: Configuration,
        governor: RateGovernor<ContinuousClock>? = nil,
        logger: Logger = Logger(label: "notegate.leadsquared")
    ) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.governor = governor ?? RateGovernor(limit: configuration.rateLimit)
        self.logger = logger

        var settings = HTTPClient.Configuration()
        settings.timeout = .init(connect: TimeAmount(configuration.connectTimeout))
        settings.redirectConfiguration = .disallow
        // Enough connections for a whole window's calls at once, closed before any server's keep-alive
        // runs out, so no call goes out on a connection the server is closing (it would end uncertain).
        settings.connectionPool = .init(
            idleTimeout: TimeAmount(configuration.idleConnectionTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.rateLimit.calls
        )
        // A refused connection fails the call at once; retrying is the pipeline's decision, not the pool's.
        settings.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings,
                          backgroundActivityLogger: logger)
    }

    /// Posts one note. Waits for the rate governor first; never throws: every failure is an outcome.
    public func post(_ note: NoteRequest) async -> PostOutcome {
        var logger = self.logger
        logger[metadataKey: "ticket"] = "\(note.ticketID)"
        if let problem = note.problem(maxBytes: configuration.maxNoteBytes) {
            logger.warning("Note not sent", metadata: ["outcome": "rejected"])
            return .rejected(reason: problem)
        }
        let outcome = await call(
            .POST, configuration.url("internalnote", "upload"), body: InternalNoteBody(note).json,
            action: "post the note on ticket \(note.ticketID)", ticketID: note.ticketID, logger: logger
        ) { answer, call in
            PostOutcome(answer: answer, call: call, window: self.configuration.rateLimit.window)
        }
        logger.log(level: outcome.logLevel, "Note call finished", metadata: outcome.logMetadata)
        return outcome
    }

    /// Confirms the host, tenant and keys by reading one ticket ("Get a Ticket's Details by Id"); posts nothing.
    public func verifyAccess(ticketID: Int) async -> AccessCheck {
        let outcome = await call(
            .GET, configuration.url("tickets", String(ticketID)), body: nil, action: "read ticket \(ticketID)",
            ticketID: ticketID, logger: logger
        ) { answer, call in
            // A ticket's details are not a receipt: any 2xx grants access.
            (200..<300).contains(answer.status)
                ? .posted(NoteReceipt(message: "", ticketID: ticketID, organizationID: nil))
                : PostOutcome(answer: answer, call: call, window: self.configuration.rateLimit.window)
        }
        return AccessCheck(outcome)
    }

    /// Closes the connections. Calls made afterwards fail as `transient`.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Makes one governed call and classifies what came back.
    private func call(
        _ method: HTTPMethod, _ url: URL, body: Data?, action: String, ticketID: Int, logger: Logger,
        classify: (ServerAnswer, CallDescription) -> PostOutcome
    ) async -> PostOutcome {
        let description = CallDescription(
            action: action, ticketID: ticketID, request: "\(method) \(url.absoluteString)"
        )
        let permit: RateGovernor<ContinuousClock>.Permit
        do {
            permit = try await governor.acquire()
        } catch {
            return .transient(reason: "Cancelled while waiting for the rate limit to \(action); nothing was sent.")
        }
        let outcome: PostOutcome
        switch await exchange(method, url, body: body, logger: logger) {
        case .success(let answer):
            outcome = classify(answer, description)
        case .failure(let failure):
            outcome = PostOutcome(failure: failure, call: description)
        }
        await governor.release(permit)
        if case .rateLimited(let retryAfter) = outcome {
            await governor.pause(for: retryAfter)
        }
        return outcome.redacted(by: configuration)
    }

    /// Sends one request, following it closely enough to tell "never sent" from "sent, no answer".
    private func exchange(
        _ method: HTTPMethod, _ url: URL, body: Data?, logger: Logger
    ) async -> Result<ServerAnswer, TransportFailure> {
        let recorder = ExchangeRecorder()
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url, method: method, headers: headers(hasBody: body != nil), body: body.map { .data($0) }
            )
        } catch {
            return .failure(TransportFailure(error: error, requestSent: false))
        }
        let task = http.execute(
            request: request, delegate: recorder,
            deadline: .now() + TimeAmount(configuration.requestTimeout), logger: logger
        )
        do {
            return .success(
                try await withTaskCancellationHandler { try await task.futureResult.get() } onCancel: { task.cancel() }
            )
        } catch {
            if let answer = recorder.answerSoFar { return .success(answer) }
            return .failure(TransportFailure(error: error, requestSent: recorder.requestSent))
        }
    }

    private func headers(hasBody: Bool) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "X-LSQ-ACCESS-KEY": configuration.accessKey.reveal(),
            "X-LSQ-SECRET-KEY": configuration.secretKey.reveal(),
            "Accept": "application/json",
            "User-Agent": "notegate",
        ]
        if hasBody { headers.add(name: "Content-Type", value: "application/json") }
        return headers
    }
}
