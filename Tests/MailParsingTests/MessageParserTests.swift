import Testing
@testable import MailParsing

private func parse(_ text: String) throws -> ParsedMessage {
    try MessageParser().parse(Array(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n").utf8))
}

@Suite struct MessageParserTests {
    @Test func readsHeadersAddressesAndIdentifiers() throws {
        let message = try parse("""
            From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@vendor.example>
            To: notes+143@support.example, "Desk, Support" <desk@support.example>
            Cc: Team: a@x.example, b@x.example;
            Delivered-To: notes+143@support.example
            Subject: Re: [#143] Printer
             continued on a folded line
            Date: Tue, 24 Nov 2026 09:15:00 +0100
            Message-ID: <abc@vendor.example>
            In-Reply-To: <parent@support.example>
            References: <root@support.example>
             <parent@support.example>

            Body.
            """)
        #expect(message.from == [MailAddress(name: "Jürgen Müller", address: "jm@vendor.example")])
        #expect(message.to.map(\.address) == ["notes+143@support.example", "desk@support.example"])
        #expect(message.to[1].name == "Desk, Support")
        #expect(message.cc.map(\.address) == ["a@x.example", "b@x.example"])
        #expect(message.deliveredTo.map(\.address) == ["notes+143@support.example"])
        #expect(message.subject == "Re: [#143] Printer continued on a folded line")
        #expect(message.date == "Tue, 24 Nov 2026 09:15:00 +0100")
        #expect(message.messageID == "abc@vendor.example")
        #expect(message.inReplyTo == ["parent@support.example"])
        #expect(message.references == ["root@support.example", "parent@support.example"])
    }

    @Test func decodesTextPartsAndKeepsOnlySizesOfOthers() throws {
        let message = try parse("""
            From: a@x.example
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            Gr=FC=DFe
            --b
            Content-Type: application/pdf; name="a.pdf"
            Content-Disposition: attachment; filename="a.pdf"
            Content-Transfer-Encoding: base64

            AAECAwQFBgcICQ==
            --b--
            """)
        let children = message.body.children
        #expect(children.count == 2)
        guard case .text(let text) = children[0].content else {
            Issue.record("first part should be text")
            return
        }
        #expect(text.text.trimmingWhitespace() == "Grüße")
        #expect(children[1].filename == "a.pdf")
        #expect(children[1].isAttachment)
        #expect(children[1].size == 10)
    }

    @Test func embeddedMessageIsParsedTheSameWay() throws {
        let message = try parse("""
            From: a@x.example
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: message/rfc822

            From: vendor@y.example
            Subject: =?ISO-8859-1?Q?Caf=E9?=

            Inner body.
            --b--
            """)
        guard case .message(let inner) = message.body.children.first?.content else {
            Issue.record("expected an embedded message")
            return
        }
        #expect(inner.subject == "Café")
        #expect(inner.from.first?.address == "vendor@y.example")
    }

    @Test func refusesBytesThatAreNotAMessage() {
        #expect(throws: MessageParseError.empty) { try MessageParser().parse([]) }
        #expect(throws: MessageParseError.noHeader) { try MessageParser().parse(Array("no header here\n".utf8)) }
        #expect(throws: MessageParseError.noHeader) { try MessageParser().parse([0xD0, 0xCF, 0x11, 0xE0, 0, 1]) }
    }

    @Test func refusesNestingDeeperThanTheLimit() {
        var text = "From: a@x.example\n"
        for level in 0..<100 { text += "Content-Type: multipart/mixed; boundary=\"l\(level)\"\n\n--l\(level)\n" }
        text += "Content-Type: text/plain\n\nhi\n"
        #expect(throws: MessageParseError.tooDeep(limit: 32)) { try parse(text) }
    }

    @Test func rfc2231ParametersAreJoinedAndDecoded() {
        let combined = MIMEParameters.combine([
            ("filename*0*", "UTF-8''Rechnung%20"), ("filename*1*", "M%C3%A4rz"), ("filename*2", ".pdf"),
            ("name", "=?UTF-8?Q?Pr=C3=BCfung.pdf?="),
        ])
        #expect(combined["filename"] == "Rechnung März.pdf")
        #expect(combined["name"] == "Prüfung.pdf")
    }
}
