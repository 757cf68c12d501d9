import Foundation
import Testing
import Ledger

extension NotegateCLITests {
    /// `retry`, `assign` and `forget`: what they change, and what they refuse.
    @Suite struct LedgerRepairCommandTests {
        @Test func retryQueuesADeadEntryWithAFreshAttemptCount() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "retry", "\(sample.dead)", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.stdout
                == "Entry \(sample.dead) is pending: notegate posts its note to ticket #200 on its next pass.\n")
            let entry = try #require(try await sample.file.entry(sample.dead))
            #expect(entry.state == .pending)
            #expect(entry.attempts == 0)
        }

        @Test func retryingAPostedEntryIsRefusedAndChangesNothing() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "retry", "\(sample.posted)", "--ledger", sample.path])

            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("cannot retry ledger entry \(sample.posted): it is posted."))
            #expect(try await sample.file.entry(sample.posted)?.state == .posted)
        }

        @Test func retryDeadQueuesEveryDeadEntry() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "retry", "--dead", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.stdout == "1 dead entry queued for posting.\n")
            #expect(try await sample.file.entry(sample.dead)?.state == .pending)
            #expect(try await sample.file.entry(sample.posted)?.state == .posted)
        }

        @Test func retryNeedsAnIDOrDeadButNotBoth() async throws {
            let sample = try await SampleLedger()
            let neither = try await NotegateBinary.run(["ledger", "retry", "--ledger", sample.path])
            let both = try await NotegateBinary.run(
                ["ledger", "retry", "\(sample.dead)", "--dead", "--ledger", sample.path])

            #expect(neither.status != 0)
            #expect(neither.stderr.contains("Give the id of the entry to retry, or --dead to retry every dead entry."))
            #expect(both.status != 0)
            #expect(both.stderr.contains("Give an entry id or --dead, not both."))
            #expect(try await sample.file.entry(sample.dead)?.state == .dead(reason: "HTTP 400: note too long"))
        }

        @Test func assignSendsASkippedMessageToATicketAndQueuesIt() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(
                ["ledger", "assign", "\(sample.skipped)", "--ticket", "321", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.stdout.contains("Entry \(sample.skipped) is pending: notegate posts its note to ticket #321"))
            let entry = try #require(try await sample.file.entry(sample.skipped))
            #expect(entry.state == .pending)
            #expect(entry.ticketID == 321)
            #expect(entry.note == SampleLedger.draftNote)
        }

        @Test func assigningAPostedEntryIsRefused() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(
                ["ledger", "assign", "\(sample.posted)", "--ticket", "321", "--ledger", sample.path])

            #expect(result.status != 0)
            #expect(result.stderr.contains("cannot assign a ticket to ledger entry \(sample.posted): it is posted."))
            #expect(try await sample.file.entry(sample.posted)?.ticketID == 143)
        }

        @Test func assignNeedsATicketNumber() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(
                ["ledger", "assign", "\(sample.skipped)", "--ticket", "0", "--ledger", sample.path])

            #expect(result.status != 0)
            #expect(result.stderr.contains("--ticket must be a ticket number, 1 or more."))
        }

        @Test func forgetRemovesTheEntry() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "forget", "\(sample.posted)", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.stdout
                == "Entry \(sample.posted) forgotten: if its message is seen again, notegate treats it as new.\n")
            #expect(try await sample.file.entry(sample.posted) == nil)
            #expect(try await sample.file.entry(sample.skipped) != nil)
        }

        @Test func forgettingAnUnknownEntryFails() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "forget", "99", "--ledger", sample.path])

            #expect(result.status != 0)
            #expect(result.stderr.contains("no ledger entry 99."))
        }

        @Test func repairsAreRefusedWhileTheDaemonOwnsTheLedgerButReadsWork() async throws {
            let sample = try await SampleLedger()
            let daemon = try SQLiteLedger(path: sample.path)

            let retry = try await NotegateBinary.run(["ledger", "retry", "\(sample.dead)", "--ledger", sample.path])
            let list = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--state", "dead"])

            #expect(retry.status != 0)
            #expect(retry.stdout.isEmpty)
            let pid = ProcessInfo.processInfo.processIdentifier
            #expect(retry.stderr.contains("ledger \(sample.path) is in use by another notegate process (pid \(pid))."))
            #expect(try await daemon.entry(sample.dead)?.state == .dead(reason: "HTTP 400: note too long"))
            #expect(list.status == 0)
            #expect(list.lines.last == "1 entry")
        }

        @Test func repairsNeverCreateALedger() async throws {
            let file = try LedgerFile()
            let result = try await NotegateBinary.run(["ledger", "forget", "1", "--ledger", file.path])

            #expect(result.status != 0)
            #expect(result.stderr.contains("no ledger at \(file.path)"))
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
    }
}
