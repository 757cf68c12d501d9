import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// Posts internal notes on LeadSquared Service CRM tickets, one call per note, and says for each what became
/// of it (``PostOutcome``). Calls go through a ``CallGate`` so a backlog drains at the account's ceiling,
/// over one HTTP client that reuses connections and verifies TLS. Call ``shutdown()`` before dropping it.
public final class LeadSquaredClient: Sendable {
    public let configuration: Configuration
    /// The gate every call waits on; pass the same one to every client of the same access key (a shared one, such
    /// as the PostgreSQL ledger's call slots, to every instance).
    public let gate: any CallGate
    private let http: HTTPClient
    private let logger: Logger
    /// Where notes are posted, built once.
    private let noteURL: URL

    /// Creates a client whose calls wait on `governor` (default: a governor of its own, under the configuration's
    /// rate limit); throws if the configuration cannot work (see ``Configuration/validate()``).
    public convenience init(
        configuration: Configuration,
        governor: RateGovernor<ContinuousClock>? = nil,
        logger: Logger = Logger(label: "notegate.leadsquared")
    ) throws(ConfigurationError) {
        try configuration.validate()
        try self.init(configuration: configuration, gate: governor ?? RateGovernor(limit: configuration.rateLimit),
                      logger: logger)
    }

    /// Creates a client whose calls wait on `gate`; throws if the configuration cannot work.
    public init(
        configuration: Configuration,
        gate: any CallGate,
        logger: Logger = Logger(label: "notegate.leadsquared")
    ) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.gate = gate
        self.logger = logger
        noteURL = configuration.url("internalnote", "upload")

        var settings = HTTPClient.Configuration()
        settings.timeout = .init(connect: TimeAmount(configuration.connectTimeout))
        settings.redirectConfiguration = .disallow
        // TLS 1.0 and 1.1 are deprecated (RFC 8996); NIOSSL would otherwise accept them.
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        settings.tlsConfiguration = tls
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
        await post(note, whenSlotGranted: { true })
    }

    /// Posts one note like ``post(_:)``; `whenSlotGranted` runs once the governor has granted the call's
    /// slot, just before the request is sent (so a caller can record that the call is going out). When it
    /// returns false nothing is sent, the slot is handed back and the outcome is `.transient`.
    public func post(_ note: NoteRequest, whenSlotGranted: @escaping @Sendable () async -> Bool) async -> PostOutcome {
        var logger = self.logger
        logger[metadataKey: "ticket"] = "\(note.ticketID)"
        if let problem = note.problem(maxBytes: configuration.maxNoteBytes) {
            logger.warning("Note not sent", metadata: ["outcome": "rejected"])
            return .rejected(reason: problem)
        }
        let call = CallDescription(
            action: "post the note on ticket \(note.ticketID)", ticketID: note.ticketID, method: .POST, url: noteURL
        )
        let exchange = await governedExchange(call, body: InternalNoteBody(note).json, logger: logger,
                                              whenSlotGranted: whenSlotGranted)
        let outcome = PostOutcome(exchange, call: call, window: configuration.rateLimit.window)
            .redacted(by: configuration)
        logger.log(level: outcome.logLevel, "Note call finished", metadata: outcome.logMetadata)
        return outcome
    }

    /// Confirms the host, tenant and keys by reading one ticket ("Get a Ticket's Details by Id"); posts nothing.
    public func verifyAccess(ticketID: Int) async -> AccessCheck {
        let call = CallDescription(
            action: "read ticket \(ticketID)", ticketID: ticketID,
            method: .GET, url: configuration.url("tickets", String(ticketID))
        )
        let exchange = await governedExchange(call, body: nil, logger: logger)
        // A ticket's details are not a receipt: any 2xx grants access.
        if case .answered(let answer) = exchange, (200..<300).contains(answer.status) { return .granted }
        return AccessCheck(
            PostOutcome(exchange, call: call, window: configuration.rateLimit.window).redacted(by: configuration)
        )
    }

    /// Closes the connections. Calls made afterwards fail as `transient`.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Makes one call when the gate allows it, and pauses the gate if the server says 429.
    private func governedExchange(_ call: CallDescription, body: Data?, logger: Logger,
                                  whenSlotGranted: @Sendable () async -> Bool = { true }) async -> Exchange {
        let permit: CallPermit
        do {
            permit = try await gate.acquire()
        } catch is CancellationError {
            return .cancelled
        } catch {
            // The gate could not grant (its database is gone): nothing was sent.
            return .failed(TransportFailure(error: error, requestSent: false))
        }
        guard await whenSlotGranted() else {
            await gate.release(permit)
            return .cancelled
        }
        let exchange = await self.exchange(call, body: body, logger: logger)
        await gate.release(permit)
        if case .answered(let answer) = exchange, answer.status == 429 {
            await gate.pause(for: answer.retryAfter(atLeast: configuration.rateLimit.window))
        }
        return exchange
    }

    /// Sends one request, following it closely enough to tell "never sent" from "sent, no answer".
    private func exchange(_ call: CallDescription, body: Data?, logger: Logger) async -> Exchange {
        let recorder = ExchangeRecorder()
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: call.url, method: call.method, headers: headers(hasBody: body != nil), body: body.map { .data($0) }
            )
        } catch {
            return .failed(TransportFailure(error: error, requestSent: false))
        }
        let task = http.execute(
            request: request, delegate: recorder,
            deadline: .now() + TimeAmount(configuration.requestTimeout), logger: logger
        )
        do {
            return .answered(
                try await withTaskCancellationHandler { try await task.futureResult.get() } onCancel: { task.cancel() }
            )
        } catch {
            if let answer = recorder.answerSoFar { return .answered(answer) }
            return .failed(TransportFailure(error: error, requestSent: recorder.requestSent))
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
