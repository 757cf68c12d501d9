import Foundation
import LeadSquared
import Ledger
import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import Gateway

/// Graceful shutdown while a service told to stop before posting takes its time (in `run`, the mailboxes: watchers
/// leaving IDLE, logging out, finishing their batch): posting starts no call from the moment shutdown begins,
/// whatever the services' order; the calls in flight finish and are recorded, and the rest stay pending.
///
/// No clock: every call is held until the test lets it answer, the slow service until the test lets it stop, and the
/// test waits for events (calls sent, services told, outcomes recorded, posting stopped).
@Suite(.timeLimit(.minutes(1))) struct StopTakingWorkTests {
    static let queued = 12
    static let concurrency = 4

    /// Where posting sits in the group's order (the group tells its services to stop in reverse order).
    enum Order: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// `run`'s order: the mailboxes are told first, and posting only once they have finished.
        case postingToldAfterTheMailboxes
        /// Posting told first; the mailboxes once posting has finished.
        case postingToldFirst

        var testDescription: String { rawValue }
    }

    @Test(arguments: Order.allCases)
    func postingStartsNoCallOnceShutdownBeginsWhileTheMailboxesStillStop(order: Order) async throws {
        let ledger = try Self.ledger()
        for uid in UInt32(1)...UInt32(Self.queued) { try await Self.queue(uid, in: ledger) }
        let events = Events()
        let calls = Gate()
        let mailboxesMayStop = Gate()
        var configuration = PostingLoop.Configuration()
        configuration.concurrency = Self.concurrency
        let loop = PostingLoop(ledger: ledger, poster: HeldPoster(events: events, answers: calls),
                               configuration: configuration, doorbell: Doorbell(), health: GatewayHealth(),
                               logger: quietLogger) { _ in await events.update { $0.recorded += 1 } }
        let stop = StopTakingWork()
        let logger = Logger(label: "notegate.gateway.tests") { _ in EventLogHandler(events: events) }
        let posting = Told(name: "posting", events: events,
                           service: PostingService(posting: loop, stop: stop, logger: logger))
        let mailboxes = Told(name: "mailboxes", events: events,
                             service: SlowToStop(mayStop: mailboxesMayStop))
        let services: [any Service] = order == .postingToldAfterTheMailboxes ? [posting, mailboxes] : [mailboxes, posting]
        let group = ServiceGroup(configuration: .init(
            services: GatewayRuntime.serviceConfigurations(services, turningOn: stop), logger: quietLogger))
        let running = Task { try await group.run() }

        // Every call slot taken, each call held in flight.
        _ = await events.wait { $0.sent == Self.concurrency }
        await group.triggerGracefulShutdown()
        let atShutdown = await events.wait { !$0.told.isEmpty }
        #expect(atShutdown.sent == Self.concurrency)

        // The calls in flight answer; their slots free while the mailboxes are still stopping (or, posting told
        // first, before the mailboxes are told at all). Then either posting starts another call, or it stops.
        await calls.open()
        let afterAnswers = await events.wait { $0.recorded >= Self.concurrency && ($0.postingStopped || $0.sent > Self.concurrency) }
        #expect(afterAnswers.sent == Self.concurrency,
                "\(afterAnswers.sent - Self.concurrency) calls started after shutdown began (told so far: \(afterAnswers.told))")

        await mailboxesMayStop.open()
        try await running.value

        let end = await events.now
        #expect(end.sent == Self.concurrency, "\(end.sent - Self.concurrency) calls started after shutdown began")
        #expect(end.told == (order == .postingToldAfterTheMailboxes ? ["mailboxes", "posting"] : ["posting", "mailboxes"]))
        let counts = try await ledger.counts()
        #expect(counts[.posted] == Self.concurrency, "the calls in flight were recorded")
        #expect(counts[.posting] == nil || counts[.posting] == 0, "a call in flight was left unrecorded")
        #expect(counts[.pending] == Self.queued - Self.concurrency, "the notes not started stay pending")
    }

    private static func ledger() throws -> SQLiteLedger {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-stop-taking-work-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try SQLiteLedger(path: directory.appendingPathComponent("ledger.sqlite").path)
    }

    private static func queue(_ uid: UInt32, in ledger: SQLiteLedger) async throws {
        let location = MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: uid)
        let sighting = MessageSighting(key: MessageKey(rawValue: "mid:m\(uid)@x"), messageID: "m\(uid)@x",
                                       subject: nil, from: nil, location: location)
        guard case .new = try await ledger.record(sighting, decision: .post(ticketID: Int(uid), note: "Note \(uid)."),
                                                  checkpoint: nil) else {
            throw QueueFailure()
        }
    }

    private struct QueueFailure: Error {}
}

/// What has happened so far.
private struct Happened: Sendable {
    /// Calls sent (their slot granted and their `posting` state committed).
    var sent = 0
    /// Outcomes recorded in the ledger.
    var recorded = 0
    /// The services told to stop, in the order they were told.
    var told: [String] = []
    /// Posting logged that it has stopped for the shutdown.
    var postingStopped = false
}

/// The events the test waits for, instead of a clock.
private actor Events {
    private(set) var now = Happened()
    private var waiters: [(condition: @Sendable (Happened) -> Bool, continuation: CheckedContinuation<Happened, Never>)] = []

    func update(_ change: @Sendable (inout Happened) -> Void) {
        change(&now)
        var waiting: [(condition: @Sendable (Happened) -> Bool, continuation: CheckedContinuation<Happened, Never>)] = []
        for waiter in waiters {
            if waiter.condition(now) { waiter.continuation.resume(returning: now) } else { waiting.append(waiter) }
        }
        waiters = waiting
    }

    /// Returns what had happened once `condition` holds.
    func wait(until condition: @escaping @Sendable (Happened) -> Bool) async -> Happened {
        if condition(now) { return now }
        return await withCheckedContinuation { waiters.append((condition, $0)) }
    }
}

/// Shut until opened, then open for good.
private actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }

    func pass() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// Sends like the client does once the governor grants the slot, then holds the call in flight until `answers`
/// opens, and answers 200.
private struct HeldPoster: NotePosting {
    let events: Events
    let answers: Gate

    func post(_ note: NoteRequest, whenSlotGranted: @escaping @Sendable () async -> Bool) async -> PostOutcome {
        guard await whenSlotGranted() else { return .transient(reason: "not sent") }
        await events.update { $0.sent += 1 }
        await answers.pass()
        return .posted(NoteReceipt(message: "Activity Created", ticketID: note.ticketID, organizationID: nil))
    }
}

/// Stands in for the mailboxes: runs until told to stop, then takes until `mayStop` opens to finish.
private struct SlowToStop: Service {
    let mayStop: Gate

    func run() async throws {
        try? await gracefulShutdown()
        await mayStop.pass()
    }
}

/// Runs `service` and notes when the group tells it to stop.
private struct Told: Service {
    let name: String
    let events: Events
    let service: any Service

    func run() async throws {
        let (name, events) = (self.name, self.events)
        try await withGracefulShutdownHandler {
            try await service.run()
        } onGracefulShutdown: {
            Task { await events.update { $0.told.append(name) } }
        }
    }
}

/// Notes posting's "stopped" log line.
private struct EventLogHandler: LogHandler {
    let events: Events
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message == PostingService.stoppedMessage else { return }
        let events = self.events
        Task { await events.update { $0.postingStopped = true } }
    }
}
