import Testing
import MailParsing
import NoteExtraction

private func parsed(subject: String, to: String = "notes@support.example", deliveredTo: String? = nil) throws -> ParsedMessage {
    var header = "From: dana@vendor.example\r\nTo: \(to)\r\nSubject: \(subject)\r\n"
    if let deliveredTo { header += "Delivered-To: \(deliveredTo)\r\n" }
    return try MessageParser().parse(Array((header + "\r\nThe text.\r\n").utf8))
}

@Suite struct RoutingTests {
    let extractor = NoteExtractor(configuration: .init(gatewayAddresses: ["Notes@Support.example"]))

    @Test func plusAddressNamesTheTicketWithoutASubjectTag() throws {
        let decision = extractor.decide(try parsed(subject: "Fwd: vendor answer", to: "notes+143@support.example"))
        #expect(decision.ticketID == 143)
        #expect(decision.skipReason == nil)
    }

    @Test func deliveredToCountsAsARecipient() throws {
        let decision = extractor.decide(try parsed(subject: "x", to: "someone@else.example",
                                                   deliveredTo: "notes+0077@support.example"))
        #expect(decision.ticketID == 77)
    }

    @Test func plusAddressForAnotherMailboxIsIgnored() throws {
        let decision = extractor.decide(try parsed(subject: "x", to: "sales+143@support.example"))
        #expect(decision.skipReason == .noTicket)
    }

    @Test func plusAddressingIsOffWithoutGatewayAddresses() throws {
        let decision = NoteExtractor().decide(try parsed(subject: "x", to: "notes+143@support.example"))
        #expect(decision.skipReason == .noTicket)
    }

    @Test func tagAndAddressAgreeingIsFine() throws {
        let decision = extractor.decide(try parsed(subject: "[#143] x", to: "notes+143@support.example"))
        #expect(decision.ticketID == 143)
        #expect(decision.skipReason == nil)
    }

    @Test func tagAndAddressDisagreeingIsAmbiguous() throws {
        let decision = extractor.decide(try parsed(subject: "[#143] x", to: "notes+144@support.example"))
        #expect(decision.skipReason == .ambiguousTicket)
        #expect(decision.ticketID == nil)
    }

    @Test func threadTicketIsUsedOnlyWhenNothingElseNamesOne() throws {
        let untagged = extractor.decide(try parsed(subject: "Re: your question"), threadTicket: 55)
        #expect(untagged.ticketID == 55)
        #expect(untagged.skipReason == nil)
        let tagged = extractor.decide(try parsed(subject: "Re: [#56] your question"), threadTicket: 55)
        #expect(tagged.ticketID == 56)
    }
}
