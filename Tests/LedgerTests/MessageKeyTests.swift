import Testing
import Ledger

@Suite struct MessageKeyTests {
    @Test(arguments: [
        ("<CA+abc.DEF@Mail.Example.COM>", "CA+abc.DEF@mail.example.com"),
        ("  <abc@x.org>\r\n", "abc@x.org"),
        ("< spaced@x.org >", "spaced@x.org"),
        ("abc@X.ORG", "abc@x.org"),
        ("no-domain-Part", "no-domain-Part"),
        ("<weird@local@Host.NET>", "weird@local@host.net"),
    ])
    func normalizesMessageIDs(raw: String, normalized: String) {
        #expect(MessageKey.normalizedMessageID(raw) == normalized)
    }

    @Test(arguments: ["", "   ", "<>", " < > "])
    func treatsEmptyMessageIDsAsMissing(raw: String) {
        #expect(MessageKey.normalizedMessageID(raw) == nil)
    }

    @Test func keysByNormalizedMessageID() {
        let key = MessageKey(messageID: "<Abc@Example.COM>", from: "a", date: "b", subject: "c", body: "d")
        #expect(key.rawValue == "mid:Abc@example.com")
        #expect(key == MessageKey(messageID: "Abc@example.com", from: "x", date: "y", subject: "z", body: "w"))
    }

    @Test func keysByContentWithoutMessageID() {
        let key = MessageKey(
            messageID: nil, from: "Ann <ann@example.com>", date: "Tue, 3 Nov 2026 10:00:00 +0000",
            subject: "Invoice", body: "Hello\nwörld")
        // Pinned: existing ledgers depend on this derivation never changing.
        #expect(key.rawValue == "sha256:ff62f00c1cb0c3d4382120a771853d04c0a7f1b66b57dffafd8d53f9f8f57ab2")
    }

    @Test func emptyMessageIDFallsBackToContent() {
        let fromEmpty = MessageKey(messageID: "<>", from: "a", date: "b", subject: "c", body: "d")
        #expect(fromEmpty == MessageKey(contentFrom: "a", date: "b", subject: "c", body: "d"))
        #expect(fromEmpty.rawValue.hasPrefix("sha256:"))
    }

    @Test func contentKeyChangesWithEveryField() {
        let base = MessageKey(contentFrom: "a", date: "b", subject: "c", body: "d")
        #expect(base != MessageKey(contentFrom: "A", date: "b", subject: "c", body: "d"))
        #expect(base != MessageKey(contentFrom: "a", date: "B", subject: "c", body: "d"))
        #expect(base != MessageKey(contentFrom: "a", date: "b", subject: "C", body: "d"))
        #expect(base != MessageKey(contentFrom: "a", date: "b", subject: "c", body: "D"))
    }

    @Test func contentKeyKeepsFieldBoundaries() {
        #expect(MessageKey(contentFrom: "ab", date: "c", subject: "", body: "")
            != MessageKey(contentFrom: "a", date: "bc", subject: "", body: ""))
    }

    @Test func noteHashIsSHA256OfTheUTF8Text() {
        #expect(NoteHash(noteText: "Note for ticket #143 — thanks").rawValue
            == "57674fe2493a191b4ce5eceddf661b2aac106a50dcea5ea273decd65429c87c0")
    }
}
