import Foundation
import NoteExtraction
import Testing

/// Real messages from public mail-parsing test suites (`../shared/corpus`): none may crash or hang, each yields a
/// decision, and, given a ticket tag, each real message is either posted with a note or skipped for the reason
/// written for it below. Skipped, with one line naming the folder, in a clone without `../shared`; the labelled
/// cases in `fixtures/` cover the same rules there.
@Suite(.enabled(if: Paths.corpusIsPresent, Paths.corpusAbsent))
struct CorpusTests {
    static let files: [String] = {
        guard let walker = FileManager.default.enumerator(atPath: Paths.corpus.path) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { !$0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .filter { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: Paths.corpus.appendingPathComponent(path).path,
                                                            isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue
            }
            .sorted()
    }()

    /// The whole messages (talon-html holds HTML bodies, not messages).
    static let messages = files.filter { !$0.hasPrefix("talon-html/") }

    /// The corpus messages that, even with a ticket tag, are rightly not posted, and why; every other one must be
    /// posted with its text. Each one checked by hand against the message's headers and body.
    static let expectedSkips: [String: String] = [
        "cpython-email/msg_05.eml": "bounce", // multipart/report; report-type=delivery-status
        "cpython-email/msg_08.eml": "no-text", // four text parts, every one empty
        "cpython-email/msg_09.eml": "no-text", // the same, one part without a charset
        "cpython-email/msg_12.eml": "no-text", // empty text parts, nested multipart
        "cpython-email/msg_12a.eml": "no-text", // the same, other line breaks
        "cpython-email/msg_16.eml": "bounce", // from postmaster, Return-Path <>, multipart/report
        "cpython-email/msg_18.eml": "no-text", // a header and no body at all
        "cpython-email/msg_19.eml": "malformed", // no header: a mailing-list digest's body alone
        "cpython-email/msg_25.eml": "bounce", // MAILER-DAEMON, Auto-Submitted: auto-generated, delivery-status
        "cpython-email/msg_32.eml": "bulk", // Precedence: bulk (a FreeBSD list)
        "cpython-email/msg_33.eml": "bulk", // Precedence: bulk (the same list, signed)
        "cpython-email/msg_43.eml": "bounce", // MAILER DAEMON, delivery-status report
        "mail-parser/mail_malformed_2.eml": "bounce", // postmaster, Return-Path <>, delivery-status
        "mail-parser/mail_outlook_1.msg": "malformed", // an Outlook .msg file (OLE), not RFC 822
        "mail-parser/mail_test_16.eml": "bulk", // Precedence: junk (the GTUBE spam test)
        "mail-parser/mail_test_5.eml": "bulk", // Precedence: bulk (a newsletter)
    ]

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 90, "expected the shared corpus at \(Paths.corpus.path)")
        #expect(Self.messages.count >= 80)
    }

    @Test(arguments: files)
    func everyCorpusMessageYieldsADecision(_ path: String) throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent(path)))
        let decision = NoteExtractor().decide(rawMessage: raw)
        if case .skip(.malformed, let detail) = decision.action {
            #expect(detail?.isEmpty == false, "a malformed message must say what is wrong")
        }
        if case .post(_, let note) = decision.action {
            #expect(!note.isEmpty)
            #expect(note.utf8.count <= 64 * 1024)
        }
    }

    /// Each real message with `[#N]` put in front of its subject: the posting branch runs on real mail.
    @Test(arguments: messages.enumerated().map { ($0.offset + 1, $0.element) })
    func everyTaggedRealMessageIsPostedOrSkippedForItsReason(_ ticket: Int, _ path: String) throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent(path)))
        let decision = NoteExtractor().decide(rawMessage: Self.tagged(raw, ticket: ticket))
        try Self.expect(decision, ticket: ticket, path: path)
    }

    /// Posted to `ticket` with the sender's text in the note, or skipped for the reason `expectedSkips` gives.
    static func expect(_ decision: NoteDecision, ticket: Int, path: String) throws {
        switch decision.action {
        case .post(let ticketID, let note):
            #expect(expectedSkips[path] == nil, "\(path): posted, expected skip \(expectedSkips[path] ?? "")")
            #expect(ticketID == ticket)
            #expect(note.contains("Subject: [#\(ticket)]"), "\(path): the note's header names no tagged subject")
            let text = try #require(decision.text, "\(path): posted without text")
            #expect(!text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(path): posted an empty text")
            #expect(note.contains(text.prefix(200)), "\(path): the note does not carry the text")
            #expect(note.utf8.count <= 64 * 1024)
        case .skip(let reason, let detail):
            #expect(reason.rawValue == expectedSkips[path],
                    "\(path): skipped as \(reason.rawValue) (\(detail ?? "")), expected \(expectedSkips[path] ?? "post")")
        }
    }

    /// Malformed real mail read the way Python's email package reads it; `fixtures/` holds each shape (a text
    /// type without subtype, a multipart without boundary, an unclosed last delimiter, an empty plain twin).
    @Test(arguments: [
        ("cpython-email/msg_14.eml", "This message has a Content-Type: header with no subtype."),
        ("cpython-email/msg_41.eml", "Blah blah blah"),
        ("mail-parser/mail_test_1.eml", "Налогоплательщик!"),
        ("mail-parser/mail_test_11.eml", "Налогоплательщик!"),
        ("mail-parser/mail_test_17.eml", "Test"),
    ])
    func malformedStructureStillYieldsTheText(_ path: String, _ expected: String) throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent(path)))
        let decision = NoteExtractor().decide(rawMessage: Self.tagged(raw, ticket: 7))
        #expect(decision.text?.contains(expected) == true, "\(path): text is \(decision.text ?? "nil")")
        if ["mail-parser/mail_test_1.eml", "mail-parser/mail_test_11.eml"].contains(path) {
            guard case .post(_, let note) = decision.action else {
                Issue.record("\(path): not posted")
                return
            }
            #expect(note.contains("Attachments: "), "\(path): the zip attachment is not listed")
        }
    }

    @Test func outlookBinaryIsReportedAsMalformed() throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent("mail-parser/mail_outlook_1.msg")))
        let decision = NoteExtractor().decide(rawMessage: raw)
        #expect(decision.skipReason == .malformed)
    }

    @Test func realRepliesKeepTheirOwnFirstLine() throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent("talon/gmail.eml")))
        let decision = NoteExtractor().decide(rawMessage: raw)
        #expect(decision.text?.hasPrefix("Hello") == true)
        #expect(decision.skipReason == .noTicket)
    }

    /// `raw` with `[#ticket] ` put in front of its Subject header, or a `Subject: [#ticket]` line added after the
    /// first line when it has none. Only the header is touched; bytes stay bytes.
    static func tagged(_ raw: [UInt8], ticket: Int) -> [UInt8] {
        let tag = Array("[#\(ticket)] ".utf8)
        var lineStart = 0
        while lineStart < raw.count {
            let lineEnd = raw[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? raw.count
            let line = raw[lineStart..<lineEnd]
            if line.isEmpty || line == [UInt8(ascii: "\r")] { break }  // the end of the header
            if line.count >= 8, String(decoding: line.prefix(8), as: UTF8.self).lowercased() == "subject:" {
                var value = lineStart + 8
                while value < lineEnd, raw[value] == UInt8(ascii: " ") || raw[value] == UInt8(ascii: "\t") { value += 1 }
                return Array(raw[..<value]) + tag + Array(raw[value...])
            }
            lineStart = lineEnd + 1
        }
        let firstLineEnd = raw.firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return Array(raw[..<firstLineEnd]) + Array("Subject: [#\(ticket)]\r\n".utf8) + Array(raw[firstLineEnd...])
    }
}
