@testable import IMAPSource
import Testing

/// A reply with plain and HTML bodies, a PDF attachment, and a forwarded message that itself has
/// plain and HTML bodies, numbered as a server numbers its BODYSTRUCTURE.
private let forwardedReply = MessagePart(
    section: "", type: "multipart", subtype: "mixed",
    parameters: [MIMEParameter(name: "boundary", value: "original-outer")],
    content: .multipart([
        MessagePart(section: "1", type: "multipart", subtype: "alternative", content: .multipart([
            MessagePart(section: "1.1", type: "text", subtype: "plain",
                        parameters: [MIMEParameter(name: "charset", value: "utf-8")], encoding: "quoted-printable", size: 40),
            MessagePart(section: "1.2", type: "text", subtype: "html", encoding: "7bit", size: 90),
        ])),
        MessagePart(section: "2", type: "application", subtype: "pdf",
                    parameters: [MIMEParameter(name: "name", value: "invoice \"May\".pdf")], encoding: "base64",
                    size: 20_000_000, disposition: "attachment",
                    dispositionParameters: [MIMEParameter(name: "filename*", value: "utf-8''invoice%20May.pdf")]),
        MessagePart(section: "3", type: "message", subtype: "rfc822", encoding: "7bit", size: 500,
                    content: .message(MessagePart(section: "3", type: "multipart", subtype: "alternative", content: .multipart([
                        MessagePart(section: "3.1", type: "text", subtype: "plain", encoding: "7bit", size: 20),
                        MessagePart(section: "3.2", type: "text", subtype: "html", encoding: "7bit", size: 60),
                    ])))),
    ])
)

@Suite struct SkeletonMessageTests {
    @Test func plainTextIsPreferredAndForwardsAreFollowed() {
        #expect(forwardedReply.textSections == ["1.1", "3.HEADER", "3.1"])
    }

    @Test func htmlIsFetchedWhenThereIsNoPlainText() {
        let htmlOnly = MessagePart(section: "", type: "multipart", subtype: "mixed", content: .multipart([
            MessagePart(section: "1", type: "text", subtype: "html"),
            MessagePart(section: "2", type: "text", subtype: "plain", disposition: "attachment"),
        ]))
        #expect(htmlOnly.textSections == ["1"])
    }

    @Test func singlePartMessageBodyIsSectionOne() {
        let plain = MessagePart(section: "1", type: "text", subtype: "plain")
        #expect(plain.textSections == ["1"])
    }

    @Test func skeletonMirrorsTheStructureWithTextAndOmittedParts() {
        let sections: [String: [UInt8]] = [
            "HEADER": Array("Subject: Re: [Ticket #7] invoice\r\nContent-Type: multipart/mixed;\r\n boundary=\"original-outer\"\r\nMessage-ID: <a@b>\r\n\r\n".utf8),
            "1.1": Array("Thanks, =C3=A9t=C3=A9 paid.".utf8),
            "3.HEADER": Array("Subject: invoice\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n".utf8),
            "3.1": Array("Please pay.".utf8),
        ]
        let raw = String(decoding: SkeletonMessage(structure: forwardedReply, sections: sections, boundaryToken: "T").bytes,
                         as: UTF8.self)
        let expected = """
        Subject: Re: [Ticket #7] invoice\r
        Message-ID: <a@b>\r
        Content-Type: multipart/mixed; boundary="=_notegate_T_0"\r
        \r
        --=_notegate_T_0\r
        Content-Type: multipart/alternative; boundary="=_notegate_T_1"\r
        \r
        --=_notegate_T_1\r
        Content-Type: text/plain; charset="utf-8"\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Thanks, =C3=A9t=C3=A9 paid.\r
        --=_notegate_T_1\r
        Content-Type: text/html\r
        Content-Transfer-Encoding: 7bit\r
        X-Notegate-Omitted-Size: 90\r
        \r
        \r
        --=_notegate_T_1--\r
        \r
        --=_notegate_T_0\r
        Content-Type: application/pdf; name="invoice \\"May\\".pdf"\r
        Content-Transfer-Encoding: base64\r
        Content-Disposition: attachment; filename*=utf-8''invoice%20May.pdf\r
        X-Notegate-Omitted-Size: 20000000\r
        \r
        \r
        --=_notegate_T_0\r
        Content-Type: message/rfc822\r
        \r
        Subject: invoice\r
        Content-Type: multipart/alternative; boundary="=_notegate_T_3"\r
        \r
        --=_notegate_T_3\r
        Content-Type: text/plain\r
        Content-Transfer-Encoding: 7bit\r
        \r
        Please pay.\r
        --=_notegate_T_3\r
        Content-Type: text/html\r
        Content-Transfer-Encoding: 7bit\r
        X-Notegate-Omitted-Size: 60\r
        \r
        \r
        --=_notegate_T_3--\r
        \r
        --=_notegate_T_0--\r

        """
        #expect(raw == expected)
    }
}
