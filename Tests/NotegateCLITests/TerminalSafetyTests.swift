import Foundation
import Ledger
import Testing

/// Text from mail never reaches the operator's terminal as control characters: `explain`, `ledger list` and
/// `ledger show` print them as pictures, while `--json` keeps them, escaped.
@Suite struct TerminalSafetyTests {
    /// `ESC[2J ESC]0;owned BEL`: clear the screen, set the window title to "owned", ring the bell.
    static let hostile = "\u{1B}[2J \u{1B}]0;owned\u{07}"
    static let shown = "␛[2J ␛]0;owned␇"

    /// A message whose From name and subject are the hostile text as RFC 2047 encoded words.
    static let message = """
        From: =?utf-8?b?G1sySiAbXTA7b3duZWQH?= <mallory@vendor.example>\r
        To: support@example.com\r
        Subject: [#143] =?utf-8?b?G1sySiAbXTA7b3duZWQH?=\r
        Message-ID: <escape-1@vendor.example>\r
        Date: Wed, 25 Nov 2026 10:00:00 +0000\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        The printer is fixed.\r

        """

    private static func expectNoControlCharacters(_ output: String, _ command: String) {
        let raw = output.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value) }
        #expect(raw.isEmpty, "\(command) printed control characters \(raw.map { String($0.value, radix: 16) })")
    }

    @Test func explainShowsAnEscapeSequenceInTheFromNameAsPictures() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-escape-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("escape.eml").path
        try Self.message.write(toFile: file, atomically: true, encoding: .utf8)

        let text = try await NotegateBinary.run(["explain", file])
        #expect(text.status == 0)
        Self.expectNoControlCharacters(text.stdout, "explain")
        #expect(text.stdout.contains("| From: \(Self.shown) <mallory@vendor.example>"), "\(text.stdout)")

        let json = try await NotegateBinary.run(["explain", "--json", file])
        #expect(json.stdout.lowercased().contains(#"\u001b[2j \u001b]0;owned\u0007"#), "JSON escapes them: \(json.stdout)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["note"] as? String)?.contains(Self.hostile) == true)
    }

    @Test func theErrorACommandEndsWithShowsControlCharactersAsPictures() async throws {
        let result = try await NotegateBinary.run(["ledger", "show", "--ledger", "/no/such/\(Self.hostile).sqlite", "1"])
        #expect(result.status != 0)
        Self.expectNoControlCharacters(result.stderr, "the error of ledger show")
        #expect(result.stderr.contains("Error: no ledger at /no/such/\(Self.shown).sqlite"), "\(result.stderr)")
    }

    @Test func ledgerListAndShowShowControlCharactersAsPictures() async throws {
        let file = try LedgerFile()
        let id = try await file.write(at: Date()) { ledger in
            try await ledger.record("escape-1@vendor.example", subject: "[#143] \(Self.hostile)",
                                    decision: .post(ticketID: 143, note: "From: \(Self.hostile)\n\nThe printer is fixed."))
        }

        let list = try await NotegateBinary.run(["ledger", "list", "--ledger", file.path])
        #expect(list.status == 0, "\(list.stderr)")
        Self.expectNoControlCharacters(list.stdout, "ledger list")
        #expect(list.stdout.contains("[#143] \(Self.shown)"))

        let show = try await NotegateBinary.run(["ledger", "show", "--ledger", file.path, "\(id)"])
        #expect(show.status == 0, "\(show.stderr)")
        Self.expectNoControlCharacters(show.stdout, "ledger show")
        #expect(show.lines.contains { $0.hasPrefix("  Subject:") && $0.hasSuffix(" [#143] \(Self.shown)") },
                "\(show.stdout)")
        #expect(show.stdout.contains("    | From: \(Self.shown)"))

        let json = try await NotegateBinary.run(["ledger", "show", "--ledger", file.path, "--json", "\(id)"])
        #expect(json.stdout.lowercased().contains(#"[#143] \u001b[2j \u001b]0;owned\u0007""#), "\(json.stdout)")
    }
}
