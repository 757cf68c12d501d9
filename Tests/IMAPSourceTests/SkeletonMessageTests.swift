import Foundation
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
        X-Notegate-Omitted-Size: 14615383\r
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

@Suite struct FetchMatchingTests {
    @Test func answersAreMatchedToTheUIDsAskedForAndMerged() {
        let header = Array("Subject: x\r\n\r\n".utf8)
        let responses = [
            FetchResponse(flags: ["\\Seen"]),                                  // `* 1 FETCH (FLAGS (\Seen))`
            FetchResponse(uid: 1, flags: ["\\Seen", "\\Flagged"]),             // another client's change, with UID
            FetchResponse(uid: 2, size: 300, flags: [], sections: ["HEADER": header]),
            FetchResponse(uid: 9, flags: []),                                  // a message not asked for
            FetchResponse(uid: 1, size: 100, flags: [], sections: ["HEADER": header]),
        ]
        let answers = FetchAnswers.match(responses, to: [1, 2])
        #expect(answers.keys.sorted() == [1, 2])
        #expect(answers[1]?.size == 100)
        #expect(answers[1]?.flags == [])
        #expect(answers[1]?.sections["HEADER"] == header)
        #expect(answers[0] == nil)
    }

    @Test func aSectionLeftOutIsMissingNeverEmpty() {
        let request = FetchRequest(size: true, flags: true, structure: false,
                                   sections: [SectionRequest(name: "HEADER", length: 10), SectionRequest(name: "1.2")])
        let answer = FetchResponse(uid: 4, size: 10, flags: [], sections: ["HEADER": []])
        #expect(FetchAnswers.missing(request, in: answer) == ["BODY[1.2]"])
        var offset = FetchResponse(uid: 4, size: 10, flags: [], sections: ["HEADER": [], "1.2": [1]])
        offset.origins["HEADER"] = 5
        #expect(FetchAnswers.missing(request, in: offset) == ["BODY[HEADER]<0.10>"])
    }

    @Test func textSectionsShareTheBudgetInOrder() {
        let plan = TextFetchPlan(structure: forwardedReply, budget: 50, headerLimit: 65_536)
        #expect(plan.sections == [SectionRequest(name: "1.1", length: 40), SectionRequest(name: "3.HEADER", length: 10)])
        #expect(plan.truncated == ["3.1": 20])
        let roomy = TextFetchPlan(structure: forwardedReply, budget: 1_000_000, headerLimit: 65_536)
        #expect(roomy.sections.map(\.imapName) == ["BODY[1.1]<0.40>", "BODY[3.HEADER]<0.65536>", "BODY[3.1]<0.20>"])
        #expect(roomy.truncated.isEmpty)
    }

    @Test func truncatedBase64TextEndsInAMarkerThatDecodes() throws {
        let part = MessagePart(section: "1", type: "text", subtype: "plain", encoding: "base64", size: 4_000_000)
        let cut = TruncatedText(part: part, fetched: Array("QUJD\r\nREVG\r\nR0hJ".utf8), size: 4_000_000).bytes
        let decoded = try #require(Data(base64Encoded: String(decoding: cut, as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "")))
        #expect(String(decoding: decoded, as: UTF8.self) == "ABCDEF\n\n[notegate: note truncated, 3.8 MB of text not fetched]\n")
    }

    @Test func truncatedPlainTextKeepsWholeLines() {
        let part = MessagePart(section: "1", type: "text", subtype: "plain", encoding: "quoted-printable", size: 2_048)
        let cut = TruncatedText(part: part, fetched: Array("first line\r\nsecond li".utf8), size: 2_048).bytes
        #expect(String(decoding: cut, as: UTF8.self)
            == "first line\r\n\r\n\r\n[notegate: note truncated, 2 KB of text not fetched]\r\n")
    }
}
