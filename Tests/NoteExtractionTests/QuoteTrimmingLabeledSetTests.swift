import NoteExtraction
import Testing

/// A reply body as a mail client writes it, and the text a person reading it would keep for the note:
/// written by hand for each client's format, never taken from notegate's output.
struct LabeledReply: Sendable, CustomTestStringConvertible {
    /// The client or shape the body shows, e.g. "Gmail, German, attribution wrapped".
    let kind: String
    let body: String
    let keep: String

    var testDescription: String { kind }

    init(kind: String, body: String, keep: String) {
        self.kind = kind
        self.body = body
        self.keep = keep
    }

    /// A body with nothing to cut: the person keeps all of it.
    init(kind: String, keptWhole body: String) {
        self.init(kind: kind, body: body, keep: body)
    }
}

/// Scores the quote trimmer on the whole labeled set: at least 95 % of the bodies must come out as
/// exactly the kept text (blank lines at either end aside). Each miss is listed with what came out.
@Suite("Quote trimming: labeled replies")
struct QuoteTrimmingLabeledSetTests {
    static let all = LabeledReply.attributions + LabeledReply.headerBlocks + LabeledReply.footers
        + LabeledReply.signatures + LabeledReply.quotes + LabeledReply.keptWhole

    @Test func theSetIsLargeAndCoversEveryKind() {
        #expect(Self.all.count >= 150)
        #expect(Set(Self.all.map(\.kind)).count == Self.all.count, "every case says what it shows")
    }

    @Test func atLeastNinetyFivePercentAreExact() {
        var misses: [String] = []
        for reply in Self.all {
            let got = QuoteTrimmer().trim(reply.body).trimmingBlankEnds()
            if got != reply.keep.trimmingBlankEnds() {
                misses.append("✗ \(reply.kind)\n--- expected\n\(reply.keep)\n--- got\n\(got)\n")
            }
        }
        let exact = Self.all.count - misses.count
        let percent = Double(exact) * 100 / Double(Self.all.count)
        print("Labeled replies: \(exact) of \(Self.all.count) exact (\(Int(percent.rounded())) %)")
        for miss in misses { print(miss) }
        #expect(percent >= 95, "\(misses.count) misses:\n\(misses.joined(separator: "\n"))")
    }

    @Test(arguments: all)
    func neverEmptyWhenTheBodyHasText(_ reply: LabeledReply) {
        let trimmed = QuoteTrimmer().trimming(reply.body)
        #expect(!trimmed.text.trimmingBlankEnds().isEmpty)
        for cut in trimmed.cuts {
            #expect(!cut.text.isEmpty && TrimRule(rawValue: cut.rule) != nil, "\(cut.rule)")
        }
    }
}

extension String {
    /// Without blank lines at either end and without trailing whitespace.
    func trimmingBlankEnds() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let newline = text.firstIndex(of: "\n"), text[..<newline].allSatisfy(\.isWhitespace) {
            text = text[text.index(after: newline)...]
        }
        return String(text)
    }
}
