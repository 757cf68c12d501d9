import Foundation
import Logging
import Testing
@testable import Gateway
import Ledger
import NoteExtraction

/// The intake against a real SQLite ledger in a temporary folder.
struct IntakeFixture {
    let directory: URL
    let ledger: SQLiteLedger
    let intake: MessageIntake

    init(gatewayAddresses: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-intake-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ledger = try SQLiteLedger(path: directory.appendingPathComponent("ledger.sqlite").path)
        intake = MessageIntake(extractor: NoteExtractor(configuration: .init(gatewayAddresses: gatewayAddresses)),
                               ledger: ledger, logger: Logger(label: "test"))
    }

    func incoming(_ text: String, uid: UInt32, folder: String = "INBOX", uidValidity: UInt32 = 7,
                  beforeStart: Bool = false) -> IncomingMessage {
        let raw = Array(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n").utf8)
        return IncomingMessage(location: MessageLocation(account: "support", folder: folder, uidValidity: uidValidity, uid: uid),
                               raw: raw, size: raw.count, isBeforeStart: beforeStart)
    }
}

func mail(id: String?, subject: String, inReplyTo: String? = nil, body: String = "Some text.") -> String {
    var lines = ["From: Dana <dana@vendor.example>", "To: notes@support.example", "Subject: \(subject)",
                 "Date: Tue, 24 Nov 2026 09:15:00 +0100"]
    if let id { lines.append("Message-ID: <\(id)>") }
    if let inReplyTo { lines.append("In-Reply-To: <\(inReplyTo)>") }
    return lines.joined(separator: "\n") + "\n\n" + body + "\n"
}

@Suite struct MessageIntakeTests {
    @Test func taggedMessageIsQueuedWithItsNoteAndTheCheckpointMoves() async throws {
        let fixture = try IntakeFixture()
        let result = try await fixture.intake.ingest(fixture.incoming(mail(id: "a@x", subject: "[#143] Printer"), uid: 5))
        guard case .queued(let id, let ticket) = result else { Issue.record("expected queued, got \(result)"); return }
        #expect(ticket == 143)
        let entry = try #require(try await fixture.ledger.entry(id))
        #expect(entry.state == .pending)
        #expect(entry.note?.hasSuffix("\n\nSome text.") == true)
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 5)
    }

    @Test func sameMessageIDInAnotherFolderIsNeverQueuedTwice() async throws {
        let fixture = try IntakeFixture()
        let message = mail(id: "dup@x", subject: "[#143] Printer")
        _ = try await fixture.intake.ingest(fixture.incoming(message, uid: 1))
        let again = try await fixture.intake.ingest(fixture.incoming(message, uid: 9, folder: "Archive"))
        guard case .alreadySeen(_, let state) = again, state == .pending else { Issue.record("expected alreadySeen, got \(again)"); return }
        let due = try await fixture.ledger.duePosts(now: Date(), limit: 10)
        #expect(due.count == 1)
    }

    @Test func replyWithoutTagFollowsThreadToThePostedTicket() async throws {
        let fixture = try IntakeFixture()
        let first = try await fixture.intake.ingest(fixture.incoming(mail(id: "parent@x", subject: "[#77] Case"), uid: 1))
        guard case .queued(let parent, _) = first else { Issue.record("expected queued"); return }
        _ = try await fixture.ledger.beginPosting(parent, noteHash: NoteHash(noteText: "n"))
        _ = try await fixture.ledger.markPosted(parent, response: "{}", checkpoint: nil)

        let reply = try await fixture.intake.ingest(
            fixture.incoming(mail(id: "child@x", subject: "Re: Case", inReplyTo: "parent@x"), uid: 2))
        guard case .queued(_, let ticket) = reply else { Issue.record("expected queued, got \(reply)"); return }
        #expect(ticket == 77)
    }

    @Test func replyToAMessageNeverPostedStaysWithoutTicket() async throws {
        let fixture = try IntakeFixture()
        let reply = try await fixture.intake.ingest(
            fixture.incoming(mail(id: "child@x", subject: "Re: Case", inReplyTo: "unknown@x"), uid: 2))
        guard case .skipped(_, let reason) = reply else { Issue.record("expected skipped, got \(reply)"); return }
        #expect(reason == "no-ticket")
    }

    @Test func malformedBytesAreRecordedWithTheirReasonNotDropped() async throws {
        let fixture = try IntakeFixture()
        let message = IncomingMessage(location: MessageLocation(account: "support", folder: "INBOX", uidValidity: 7, uid: 3),
                                      raw: [0xD0, 0xCF, 0x11, 0xE0, 0x00], size: 5)
        let result = try await fixture.intake.ingest(message)
        guard case .skipped(let id, let reason) = result else { Issue.record("expected skipped, got \(result)"); return }
        #expect(reason == "malformed")
        let entry = try #require(try await fixture.ledger.entry(id))
        #expect(entry.lastError?.contains("does not start with RFC 5322 header fields") == true)
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 3)
    }

    @Test func messageFromBeforeTheStartIsSkippedButKeepsItsDraft() async throws {
        let fixture = try IntakeFixture()
        let result = try await fixture.intake.ingest(
            fixture.incoming(mail(id: "old@x", subject: "[#5] Old"), uid: 1, beforeStart: true))
        guard case .skipped(let id, let reason) = result else { Issue.record("expected skipped, got \(result)"); return }
        #expect(reason == "before-start")
        let entry = try #require(try await fixture.ledger.entry(id))
        #expect(entry.ticketID == 5)
        #expect(entry.note != nil)
    }

    @Test func messageWithoutMessageIDIsKeyedByContent() async throws {
        let fixture = try IntakeFixture()
        let message = mail(id: nil, subject: "[#8] No id")
        _ = try await fixture.intake.ingest(fixture.incoming(message, uid: 1))
        let again = try await fixture.intake.ingest(fixture.incoming(message, uid: 2))
        guard case .alreadySeen(_, let state) = again, state == .pending else { Issue.record("expected alreadySeen, got \(again)"); return }
    }
}

/// The poison-message guard and the mailbox action recorded with each outcome.
@Suite struct IntakeDurabilityTests {
    @Test func messageInHandWhenTheProcessDiedTwiceIsDeadLetteredWithoutParsing() async throws {
        let fixture = try IntakeFixture()
        let poison = fixture.incoming(mail(id: "poison@x", subject: "[#143] Crash"), uid: 3)
        // Two processes died with the message in hand: each began handling it and never recorded it.
        #expect(try await fixture.ledger.beginHandling(poison.location) == 0)
        #expect(try await fixture.ledger.beginHandling(poison.location) == 1)

        let result = try await fixture.intake.ingest(poison)

        guard case .deadLettered(let id, let reason) = result else {
            Issue.record("expected deadLettered, got \(result)"); return
        }
        #expect(reason == "crashed-while-parsing")
        let entry = try #require(try await fixture.ledger.entry(id))
        #expect(entry.state == .dead(reason: "crashed-while-parsing"))
        #expect(entry.lastError?.contains("stopped 2 times") == true)
        #expect(entry.sightings.map(\.dueAction) == [.failed])
        #expect(try await fixture.ledger.checkpoint(account: "support", folder: "INBOX")?.lastUID == 3)
        #expect(try await fixture.ledger.duePosts(now: Date(), limit: 10).isEmpty)

        let next = try await fixture.intake.ingest(fixture.incoming(mail(id: "next@x", subject: "[#144] Fine"), uid: 4))
        guard case .queued = next else { Issue.record("expected the next message queued, got \(next)"); return }
    }

    @Test func oneInterruptionIsNotEnoughToDeadLetter() async throws {
        let fixture = try IntakeFixture()
        let message = fixture.incoming(mail(id: "once@x", subject: "[#143] Printer"), uid: 1)
        _ = try await fixture.ledger.beginHandling(message.location)

        let result = try await fixture.intake.ingest(message)

        guard case .queued = result else { Issue.record("expected queued, got \(result)"); return }
        #expect(try await fixture.ledger.beginHandling(message.location) == 0, "recording ended the handling")
    }

    @Test func skipRecordsItsMailboxActionWithTheOutcomeAndAQueuedMessageWaits() async throws {
        let fixture = try IntakeFixture()
        _ = try await fixture.intake.ingest(fixture.incoming(mail(id: "untagged@x", subject: "Hello"), uid: 1))
        _ = try await fixture.intake.ingest(fixture.incoming(mail(id: "tagged@x", subject: "[#1] Hi"), uid: 2))

        let due = try await fixture.ledger.dueActions(account: "support", folder: "INBOX")

        #expect(due.map(\.location.uid) == [1])
        #expect(due.map(\.action) == [.skipped])
    }
}
