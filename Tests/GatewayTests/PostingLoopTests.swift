import Foundation
import LeadSquared
import Ledger
import Logging
import Synchronization
import Testing
@testable import Gateway

/// A poster that sends nothing over the network: it asks `whenSlotGranted` like the real client does
/// once the governor grants the slot, notes what the ledger said at that moment, and answers 200.
private actor RecordingPoster: NotePosting {
    private(set) var callsSent: [NoteRequest] = []
    private(set) var statesAtGrant: [(before: LedgerState.Name?, after: LedgerState.Name?)] = []
    let ledger: SQLiteLedger
    let receiptMessage: String

    init(ledger: SQLiteLedger, receiptMessage: String = "Activity Created") {
        self.ledger = ledger
        self.receiptMessage = receiptMessage
    }

    nonisolated func post(_ note: NoteRequest, whenSlotGranted: @escaping @Sendable () async -> Bool) async -> PostOutcome {
        await send(note, whenSlotGranted)
    }

    private func send(_ note: NoteRequest, _ whenSlotGranted: @Sendable () async -> Bool) async -> PostOutcome {
        let before = try? await ledger.list(LedgerFilter()).first?.state.name
        let cleared = await whenSlotGranted()
        let after = try? await ledger.list(LedgerFilter()).first?.state.name
        statesAtGrant.append((before, after))
        guard cleared else { return .transient(reason: "not sent") }
        callsSent.append(note)
        return .posted(NoteReceipt(message: receiptMessage, ticketID: note.ticketID, organizationID: nil))
    }
}

private struct PostingFixture {
    let path: String
    let ledger: SQLiteLedger
    let results = ResultLog()

    init() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-posting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("ledger.sqlite").path
        ledger = try SQLiteLedger(path: path)
    }

    func loop(_ poster: any NotePosting, concurrency: Int = PostingLoop.Configuration().concurrency,
              health: GatewayHealth = GatewayHealth(),
              configurationRetryInterval: Duration = PostingLoop.Configuration().configurationRetryInterval) -> PostingLoop {
        let results = self.results
        var configuration = PostingLoop.Configuration()
        configuration.concurrency = concurrency
        configuration.configurationRetryInterval = configurationRetryInterval
        return PostingLoop(ledger: ledger, poster: poster, configuration: configuration, doorbell: Doorbell(),
                           health: health, logger: Logger(label: "test")) { await results.add($0) }
    }

    func queue(ticket: Int = 143, note: String = "A note.", uid: UInt32 = 1) async throws -> LedgerEntry {
        let location = MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: uid)
        let sighting = MessageSighting(key: MessageKey(rawValue: "mid:m\(uid)@x"), messageID: "m\(uid)@x",
                                       subject: nil, from: nil, location: location)
        guard case .new(let id) = try await ledger.record(sighting, decision: .post(ticketID: ticket, note: note),
                                                           checkpoint: nil),
              let entry = try await ledger.entry(id) else { throw FixtureFailure() }
        return entry
    }

    struct FixtureFailure: Error {}
}

private actor ResultLog {
    private(set) var results: [PostResult] = []
    func add(_ result: PostResult) { results.append(result) }
}

@Suite struct PostingLoopTests {
    @Test func entryBecomesPostingOnlyOnceTheSlotIsGranted() async throws {
        let fixture = try PostingFixture()
        let entry = try await fixture.queue()
        let poster = RecordingPoster(ledger: fixture.ledger)

        await fixture.loop(poster).post(entry)

        let states = await poster.statesAtGrant
        #expect(states.map(\.before) == [.pending], "nothing is uncertain while the call waits for the governor")
        #expect(states.map(\.after) == [.posting])
        #expect(try await fixture.ledger.entry(entry.id)?.state == .posted)
    }

    @Test func concurrentPostersSendOnlyOnceTheirPostingStateHasCommitted() async throws {
        let fixture = try PostingFixture()
        for uid in UInt32(1)...16 { _ = try await fixture.queue(ticket: Int(uid), uid: uid) }
        // A connection of its own sees only what has committed, like a process started after a crash.
        let poster = CommittedStatePoster(reader: try SQLiteLedgerReader(readOnlyPath: fixture.path))

        try await fixture.loop(poster, concurrency: 8).postBatch(limit: 16)

        let states = await poster.committedStateAtSend
        #expect(states.count == 16, "every call was sent")
        #expect(states.filter { $0.value != .posting }.isEmpty, "sent before its posting state committed: \(states)")
        #expect(try await fixture.ledger.counts()[.posted] == 16)
        #expect(await fixture.results.results.filter { $0.kind == .posted }.count == 16)
    }

    @Test func onceShutdownBeginsNoCallIsSentAndTheEntryStaysPending() async throws {
        let fixture = try PostingFixture()
        let entry = try await fixture.queue()
        let poster = RecordingPoster(ledger: fixture.ledger)

        await fixture.loop(poster).post(entry, shouldStop: { true })

        #expect(await poster.callsSent.isEmpty)
        #expect(try await fixture.ledger.entry(entry.id)?.state == .pending)
        #expect(await fixture.results.results.isEmpty, "nothing happened, so nothing is reported")
    }

    @Test func batchStartsNoFurtherCallAfterShutdownBegins() async throws {
        let fixture = try PostingFixture()
        for uid in UInt32(1)...12 { _ = try await fixture.queue(ticket: Int(uid), uid: uid) }
        let poster = RecordingPoster(ledger: fixture.ledger)
        let stopping = StopSwitch()

        // Shutdown begins once the first call has been answered.
        try await fixture.loop(StoppingPoster(poster: poster, stopping: stopping)).postBatch(limit: 12) {
            stopping.isOn
        }

        let sent = await poster.callsSent.count
        #expect(sent >= 1 && sent <= PostingLoop.Configuration().concurrency, "\(sent) calls sent")
        #expect(try await fixture.ledger.counts()[.pending] == 12 - sent)
    }

    /// Posting paused because LeadSquared refused the configuration (401/404) waits long before its next probe;
    /// a graceful stop must not wait that long (systemd would kill the process first).
    @Test func aStopEndsThePauseAfterARefusedConfigurationWithoutAProbe() async throws {
        let fixture = try PostingFixture()
        _ = try await fixture.queue()
        let poster = RecordingPoster(ledger: fixture.ledger)
        let health = GatewayHealth()
        await health.configurationFailed("401 from LeadSquared")
        let stopping = StopSwitch()
        let returned = StopSwitch()
        let loop = fixture.loop(poster, health: health, configurationRetryInterval: .seconds(600))
        let running = Task {
            try await loop.run { stopping.isOn }
            returned.turnOn()
        }

        try await Task.sleep(for: .milliseconds(200)) // well into the pause
        stopping.turnOn()
        let deadline = ContinuousClock.now + .seconds(30)
        while !returned.isOn, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        running.cancel()
        _ = try? await running.value

        #expect(returned.isOn, "posting was still paused 30 s after the stop (the pause lasts 600 s)")
        #expect(await poster.callsSent.isEmpty, "no probe after the stop")
        #expect(try await fixture.ledger.counts()[.pending] == 1)
    }

    @Test func entryWithNothingToPostIsDeadWithoutCountingAnAPICall() async throws {
        let fixture = try PostingFixture()
        // A dead-lettered message handed back by an operator: queued, with no ticket and no note.
        let location = MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: 9)
        let sighting = MessageSighting(key: MessageKey(rawValue: "sha256:poison"), messageID: nil, subject: nil,
                                       from: nil, location: location)
        guard case .new(let id) = try await fixture.ledger.record(
            sighting, decision: .deadLetter(reason: "crashed-while-parsing", detail: "x"), checkpoint: nil) else {
            Issue.record("expected a new entry"); return
        }
        let entry = try await fixture.ledger.retry(id)
        let poster = RecordingPoster(ledger: fixture.ledger)

        await fixture.loop(poster).post(entry)

        #expect(await poster.callsSent.isEmpty)
        let results = await fixture.results.results
        #expect(results.map(\.kind) == [.dead])
        #expect(results.map(\.apiOutcome) == [nil], "no call was made, so no API outcome is counted")
        #expect(try await fixture.ledger.entry(id)?.state == .dead(reason: "the ledger entry has no ticket or note text"))
    }

    /// A note the client refuses before any call (composed under a larger `notes.max_note_bytes` than the
    /// one now configured) is dead with the client's reason, not left pending to be taken again forever.
    @Test func noteTheClientRefusesBeforeAnyCallIsDeadWithTheReason() async throws {
        let fixture = try PostingFixture()
        let entry = try await fixture.queue(note: String(repeating: "long ", count: 100))
        var configuration = LeadSquaredClient.Configuration(
            host: URL(string: "http://127.0.0.1:9")!, tenantID: "t1", accessKey: "access", secretKey: "secret")
        configuration.maxNoteBytes = 100
        let client = try LeadSquaredClient(configuration: configuration)

        await fixture.loop(client).post(entry)
        try await client.shutdown()

        let results = await fixture.results.results
        #expect(results.map(\.kind) == [.dead])
        #expect(results.map(\.apiOutcome) == [nil], "no call was made, so no API outcome is counted")
        guard case .dead(let reason) = try await fixture.ledger.entry(entry.id)?.state else {
            Issue.record("expected dead, got \(String(describing: try await fixture.ledger.entry(entry.id)?.state))")
            return
        }
        #expect(reason.contains("over the configured limit of 100"), "\(reason)")
    }

    @Test func serverTextIsEscapedInTheRecordedResponse() async throws {
        let fixture = try PostingFixture()
        let entry = try await fixture.queue()
        let poster = RecordingPoster(ledger: fixture.ledger, receiptMessage: "Created \"note\"\\\n\u{1}")

        await fixture.loop(poster).post(entry)

        let response = try #require(try await fixture.ledger.entry(entry.id)?.apiResponse)
        let object = try JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: String]
        #expect(object == ["Message": "Created \"note\"\\\n\u{1}", "RelatedTicketId": "143", "RelatedOrgId": ""])
    }
}

/// A poster that, once its slot is granted and just before it would send, reads its entry's committed
/// state through a connection of its own; then answers 200.
private actor CommittedStatePoster: NotePosting {
    private(set) var committedStateAtSend: [Int: LedgerState.Name?] = [:]
    let reader: SQLiteLedgerReader

    init(reader: SQLiteLedgerReader) {
        self.reader = reader
    }

    nonisolated func post(_ note: NoteRequest, whenSlotGranted: @escaping @Sendable () async -> Bool) async -> PostOutcome {
        await send(note, whenSlotGranted)
    }

    private func send(_ note: NoteRequest, _ whenSlotGranted: @Sendable () async -> Bool) async -> PostOutcome {
        guard await whenSlotGranted() else { return .transient(reason: "not sent") }
        let entries = try? await reader.list(LedgerFilter(ticketID: note.ticketID))
        committedStateAtSend[note.ticketID] = entries?.first?.state.name
        return .posted(NoteReceipt(message: "Activity Created", ticketID: note.ticketID, organizationID: nil))
    }
}

/// Turns `stopping` on once the first call has been answered: shutdown beginning mid-batch.
private struct StoppingPoster: NotePosting {
    let poster: RecordingPoster
    let stopping: StopSwitch

    func post(_ note: NoteRequest, whenSlotGranted: @escaping @Sendable () async -> Bool) async -> PostOutcome {
        let outcome = await poster.post(note, whenSlotGranted: whenSlotGranted)
        stopping.turnOn()
        return outcome
    }
}

private final class StopSwitch: Sendable {
    private let state = Mutex(false)
    var isOn: Bool { state.withLock { $0 } }
    func turnOn() { state.withLock { $0 = true } }
}
