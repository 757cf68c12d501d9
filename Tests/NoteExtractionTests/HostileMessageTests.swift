import HostileMail
import MailParsing
import NoteExtraction
import Testing

/// Every crafted message of `HostileMail` gets a decision: a `too-complex` skip that names the budget,
/// or a post whose note stays within the limit. Never a crash, never a stall (a stall would show as
/// the suite not finishing; speed itself is measured by `make bench-hostile`).
@Suite struct HostileMessageTests {
    /// What each case must come to at the size tested here (2 MiB).
    static let expected: [String: Expected] = [
        "nested-rfc822": .tooComplex("nesting budget"),
        "nested-multipart-spaced": .tooComplex("nesting budget"),
        "nested-multipart-folded": .tooComplex("nesting budget"),
        "nested-message-global": .tooComplex("nesting budget"),
        "nested-digest": .tooComplex("nesting budget"),
        "blockquote-bomb": .post,
        "encoded-word-subject": .tooComplex("header budget"),
        "huge-subject": .tooComplex("header budget"),
        "many-header-fields": .tooComplex("header budget"),
        "huge-header-line": .tooComplex("header budget"),
        "flat-parts": .tooComplex("part budget"),
        "nested-html-tables": .post,
        "nested-html-lists": .post,
        "nested-html-divs": .noText,
        "encoded-word-from": .tooComplex("header budget"),
        "huge-base64-line": .post,
        "nul-bytes": .post,
        "invalid-utf8-headers": .post,
        "huge-plain-text": .post,
        "many-attachments": .post,
        "nesting-at-budget": .post,
        "delimiter-search-at-budget": .post,
        "parts-at-budget": .post,
        "header-at-budget": .post,
        "huge-address-list": .post,
        "many-forwarded": .post,
        "nested-comments": .tooComplex("comment budget"),
        "comments-at-budget": .post,
    ]

    enum Expected: Equatable {
        case post
        /// The text budget ends before any text: `no-text`.
        case noText
        case tooComplex(String)
    }

    @Test func everyCaseHasAnExpectation() {
        #expect(Set(HostileMail.all.map(\.name)) == Set(Self.expected.keys))
    }

    @Test(arguments: HostileMail.all.map(\.name))
    func crafted2MiBMessageGetsADecisionWithinItsBudget(_ name: String) throws {
        let hostile = try #require(HostileMail.all.first { $0.name == name })
        let raw = hostile.make(2 << 20)
        let decision = NoteExtractor().decide(rawMessage: raw)
        switch (decision.action, Self.expected[name]) {
        case (.post(let ticket, let note), .post):
            #expect(ticket == 7)
            #expect(note.utf8.count <= 64 * 1024)
        case (.skip(.noText, _), .noText):
            break
        case (.skip(.tooComplex, let detail), .tooComplex(let budget)):
            #expect(detail?.hasPrefix(budget) == true, "detail: \(detail ?? "none")")
        default:
            Issue.record("\(name): unexpected decision \(decision.action)")
        }
    }

    @Test func budgetRefusalsAreTooComplexNotMalformed() {
        let raw = HostileMail.nestedRFC822.make(960_000)
        #expect(throws: MessageParseError.self) { try MessageParser().parse(raw) }
        do {
            _ = try MessageParser().parse(raw)
        } catch {
            #expect(error.isBudgetExceeded)
            #expect(error.description == "nesting budget: MIME parts are nested more than 32 levels deep")
        }
        let broken = NoteExtractor().decide(rawMessage: Array("no header here\n".utf8))
        #expect(broken.skipReason == .malformed)
    }

    @Test func theOversizedSubjectOfAOneMegabyteMessageIsCutInTheNote() throws {
        let raw = HostileMail.hugeSubject.make(1_000_000)
        guard case .post(_, let note) = NoteExtractor().decide(rawMessage: raw).action else {
            Issue.record("expected a post")
            return
        }
        #expect(note.utf8.count <= 64 * 1024)
        let subjectLine = try #require(note.split(separator: "\n").first { $0.hasPrefix("Subject: [#7] Lorem ipsum") })
        #expect(subjectLine.hasSuffix("…"))
        #expect(note.hasSuffix("\n\nbody\n\n[notegate: note truncated, 8 KB of the Subject line omitted]"),
                "the body is whole; only the Subject line was cut")
    }

    @Test func textPastTheBudgetIsNeverDecodedButTheNoteSaysSo() throws {
        let extractor = NoteExtractor(configuration: .init(maximumNoteBytes: 4096))
        let message = try extractor.parse(HostileMail.hugeBase64Line.make(2 << 20))
        guard case .text(let body) = message.body.content else {
            Issue.record("expected a text body")
            return
        }
        #expect(body.isTruncated)
        #expect(body.bytes.count == 64 << 10)
        #expect(message.body.size > 1 << 20, "the part's size is still its whole decoded size")
        guard case .post(_, let note) = extractor.decide(message).action else {
            Issue.record("expected a post")
            return
        }
        #expect(note.utf8.count <= 4096)
        #expect(note.contains("[notegate: note truncated, more than "))
    }

    @Test func theBlockquoteBombKeepsItsQuotesButNotTwoHundredFiftyOfThem() throws {
        let message = try NoteExtractor().parse(HostileMail.blockquoteBomb.make(1 << 20))
        let decision = NoteExtractor().decide(message)
        let text = try #require(decision.text)
        let firstLine = try #require(text.split(separator: "\n").first)
        #expect(firstLine == String(repeating: "> ", count: 16) + "x")
    }
}
