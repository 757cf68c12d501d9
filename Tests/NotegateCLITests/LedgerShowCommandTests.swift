import Foundation
import Testing
import Ledger

extension NotegateCLITests {
    @Suite struct LedgerShowCommandTests {
        @Test func showPrintsEverythingTheLedgerKnows() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "show", "\(sample.posted)", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.lines == [
                "Ledger entry \(sample.posted)",
                "  Key:               mid:invoice-1@vendor.example",
                "  Message-ID:        <invoice-1@vendor.example>",
                "  Subject:           Re: [#143] Invoice",
                "  From:              Dana <dana@vendor.example>",
                "  Ticket:            #143",
                "  State:             posted",
                "  Attempts:          1",
                "  Last error:        (none)",
                #"  API response:      {"Status":"Success"}"#,
                "  Uncertain reposts: 0",
                "  Note hash:         \(NoteHash(noteText: "Invoice attached, thanks."))",
                "  Created:           2026-11-01T09:00:00Z",
                "  Updated:           2026-11-01T09:00:00Z",
                "  Posted:            2026-11-01T09:00:00Z",
                "  Sightings (2):",
                "    support / INBOX  uidvalidity 7  uid 1  seen 2026-11-01T09:00:00Z",
                "    support / Archive  uidvalidity 7  uid 9  seen 2026-11-01T09:00:00Z",
                "  Note (25 bytes):",
                "    | Invoice attached, thanks.",
            ])
        }

        @Test func showGivesTheReasonOfASkipAndEveryNoteLine() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "show", "\(sample.skipped)", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.lines.contains("  State:             skipped (no-ticket)"))
            #expect(result.lines.contains("  Last error:        no ticket tag like [#143] in the subject"))
            #expect(result.lines.suffix(2) == ["    | Where is my order?", "    | It was due last week."])
        }

        @Test func showGivesTheNextAttemptOfARetryAndTheRepostsOfAnUncertainPost() async throws {
            let file = try LedgerFile()
            let nextAttempt = SampleLedger.later.addingTimeInterval(300)
            let id = try await file.write(at: SampleLedger.later) { ledger in
                let id = try await ledger.record(
                    "m@vendor.example", subject: "[#7] x", decision: .post(ticketID: 7, note: "x"))
                try await ledger.beginPosting(id, noteHash: NoteHash(noteText: "x"))
                try await ledger.markUncertain(id, error: "connection reset after the request was sent", policy: .repost)
                try await ledger.beginPosting(id, noteHash: NoteHash(noteText: "x"))
                try await ledger.markRetrying(id, error: "HTTP 503", nextAttemptAt: nextAttempt)
                return id
            }
            let text = try await NotegateBinary.run(["ledger", "show", "\(id)", "--ledger", file.path])
            let json = try await NotegateBinary.run(["ledger", "show", "\(id)", "--ledger", file.path, "--json"])

            #expect(text.status == 0)
            #expect(text.lines.contains("  State:             retrying (next attempt 2026-11-20T09:05:00Z)"))
            #expect(text.lines.contains("  Attempts:          2"))
            #expect(text.lines.contains("  Last error:        HTTP 503"))
            #expect(text.lines.contains("  Uncertain reposts: 1"))
            #expect(json.stdout.contains(
                #""state": "retrying", "reason": null, "nextAttemptAt": "2026-11-20T09:05:00Z""#))
            #expect(json.stdout.contains(#""uncertainReposts": 1"#))
        }

        @Test func showJSONAddsSightingsAndTheNote() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(
                ["ledger", "show", "\(sample.posted)", "--ledger", sample.path, "--json"])

            #expect(result.status == 0)
            #expect(result.lines.count == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["state"] as? String == "posted")
            #expect(object["apiResponse"] as? String == #"{"Status":"Success"}"#)
            #expect(object["note"] as? String == "Invoice attached, thanks.")
            let sightings = try #require(object["sightings"] as? [[String: Any]])
            #expect(sightings.map { $0["folder"] as? String } == ["INBOX", "Archive"])
            #expect(sightings.map { $0["uid"] as? Int } == [1, 9])
            #expect(result.stdout.hasPrefix(#"{"id": \#(sample.posted), "key": "#))
            #expect(result.stdout.contains(#""postedAt": "2026-11-01T09:00:00Z", "noteHash": "#))
        }

        @Test func unknownIDSaysHowToFindOne() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "show", "99", "--ledger", sample.path])

            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("no ledger entry 99. `notegate ledger list` shows the entries."))
        }

        @Test func idMustBeANumber() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "show", "abc", "--ledger", sample.path])

            #expect(result.status != 0)
            #expect(result.stderr.contains("'abc'"))
        }
    }
}
