import Foundation
import Testing

@testable import LeadSquared

/// The hand-written JSON of note bodies and ledger receipts: whatever the text, a JSON parser reads back the
/// same text.
@Suite("JSON strings")
struct JSONStringTests {
    @Test("Quotes, backslashes, every control character and non-ASCII text read back as they were", arguments: [
        "", "plain", #"say "hi" \ back\slash"#, "line\nfeed\rreturn\ttab\u{8}\u{C}",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }), "\u{7F} é ü 中文 🎉 \u{2028}\u{2029} a/b",
    ])
    func readsBackAsItWas(text: String) throws {
        let json = JSONString.quoted(text)
        let read = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
        #expect(read == [text])
        #expect(json.utf8.allSatisfy { $0 >= 0x20 }, "no raw control character is left")
    }

    @Test("A note's body reads back as the four documented attributes, whatever its text")
    func noteBodyReadsBack() throws {
        let text = "Quote \" and \\ and\nnew line \u{1} é 🎉"
        let json = InternalNoteBody(NoteRequest(ticketID: 143, text: text)).json
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["TextPart"] as? String == text)
        #expect(object["RelatedTicketId"] as? Int == 143)
        #expect(object.count == 4)
    }
}
