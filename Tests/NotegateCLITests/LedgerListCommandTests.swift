import Foundation
import Testing
import Ledger

extension NotegateCLITests {
    @Suite struct LedgerListCommandTests {
        @Test func listPrintsATableNewestFirstAndACount() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path])

            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            let lines = result.lines
            #expect(lines.count == 6)
            #expect(lines.first?.hasPrefix("ID  STATE") == true)
            let ids = lines.dropFirst().dropLast().map { $0.split(separator: " ").first.map(String.init) }
            #expect(ids == [sample.pending, sample.dead, sample.skipped, sample.posted].map(\.description))
            #expect(lines.last == "4 entries")
        }

        @Test func tableRowShowsStateTicketAttemptsUpdatedSubjectAndReason() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--state", "dead"])

            #expect(result.status == 0)
            let row = try #require(result.lines.dropFirst().first)
            let cells = row.split(separator: "  ").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells == ["\(sample.dead)", "dead", "#200", "1", "2026-11-20T09:00:00Z", "[#200] Logs",
                              "HTTP 400: note too long"])
            #expect(result.lines.last == "1 entry")
        }

        @Test func longSubjectsAreCutToOneShortLine() async throws {
            let file = try LedgerFile()
            let subject = "[#143] " + String(repeating: "very long subject ", count: 10)
            try await file.write(at: SampleLedger.early) { ledger in
                try await ledger.record("long@vendor.example", subject: subject, decision: .post(ticketID: 143, note: "x"))
            }
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", file.path])

            #expect(result.status == 0)
            #expect(!result.stdout.contains(subject))
            #expect(result.stdout.contains("[#143] very long subject very long subj…"))
        }

        @Test func ticketFilterFindsPostedAndQueuedEntries() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--ticket", "143"])

            #expect(result.status == 0)
            #expect(result.lines.last == "2 entries")
            #expect(!result.stdout.contains("[#200]"))
            let none = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--ticket", "999"])
            #expect(none.status == 0)
            #expect(none.stdout == "0 entries\n")
        }

        @Test func sinceTakesADayATimeOrAnAge() async throws {
            let sample = try await SampleLedger()
            let listed = { (since: String) in
                try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--since", since]).lines.last
            }

            #expect(try await listed("2026-11-10") == "2 entries")
            #expect(try await listed("2026-11-20T09:00:00Z") == "2 entries")
            #expect(try await listed("2026-11-20T09:00:01Z") == "1 entry")
            #expect(try await listed("2026-11-20T10:00:01+01:00") == "1 entry")
            #expect(try await listed("2026-11-20T09:00:00.500Z") == "1 entry")
            #expect(try await listed("24h") == "1 entry")
            #expect(try await listed("2026-10-01") == "4 entries")
        }

        @Test(arguments: ["yesterday", "2026-11-2x", "2026-13-01", "2026-11-20T09:00:01Zjunk", "7 days"])
        func unreadableSinceSaysWhatItAccepts(since: String) async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--since", since])

            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("'\(since)'"))
            #expect(result.stderr.contains("expected a day (2026-11-25), an ISO 8601 time"))
        }

        @Test func limitSaysWhenThereMayBeMore() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--limit", "2"])

            #expect(result.status == 0)
            #expect(result.lines.count == 4)
            #expect(result.lines.last == "2 entries (the first 2; raise --limit to see more)")
        }

        @Test func jsonPrintsOneObjectPerLineInTheDocumentedKeyOrder() async throws {
            let sample = try await SampleLedger()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", sample.path, "--json"])

            #expect(result.status == 0)
            #expect(result.lines.count == 4)
            let keys = ["id", "key", "messageId", "subject", "from", "ticketId", "state", "reason", "nextAttemptAt",
                        "attempts", "lastError", "uncertainReposts", "createdAt", "updatedAt", "postedAt"]
            for line in result.lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(Set(object.keys) == Set(keys))
                let offsets = keys.compactMap { line.range(of: "\"\($0)\": ")?.lowerBound }
                #expect(offsets == offsets.sorted() && offsets.count == keys.count)
            }
            #expect(result.lines[1] == """
                {"id": \(sample.dead), "key": "mid:logs@vendor.example", "messageId": "logs@vendor.example", \
                "subject": "[#200] Logs", "from": "Dana <dana@vendor.example>", "ticketId": 200, "state": "dead", \
                "reason": "HTTP 400: note too long", "nextAttemptAt": null, "attempts": 1, "lastError": null, \
                "uncertainReposts": 0, "createdAt": "2026-11-20T09:00:00Z", "updatedAt": "2026-11-20T09:00:00Z", \
                "postedAt": null}
                """)
        }

        @Test func missingLedgerFileIsReportedNotCreated() async throws {
            let file = try LedgerFile()
            let result = try await NotegateBinary.run(["ledger", "list", "--ledger", file.path])

            #expect(result.status != 0)
            #expect(result.stderr.contains("no ledger at \(file.path)"))
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }

        @Test func ledgerPathComesFromTheConfigFile() async throws {
            let sample = try await SampleLedger()
            let config = sample.path + ".yaml"
            try "mailboxes:\n  - {name: m, host: h, username: u, password_env: P}\nledger:\n  path: \(sample.path)\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            let result = try await NotegateBinary.run(["ledger", "list", "--config", config])

            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.lines.last == "4 entries")
        }

        @Test func ledgerPathIsRequired() async throws {
            let result = try await NotegateBinary.run(["ledger", "list"])

            #expect(result.status != 0)
            #expect(result.stderr.contains("Give the ledger file with --ledger PATH or --config FILE."))
        }
    }
}
