import Testing
import MailParsing
import NoteExtraction

@Suite struct DMARCRequirementTests {
    let extractor = NoteExtractor(configuration: .init(senderPolicy: SenderPolicy(
        requireDMARCPass: DMARCRequirement(trustedAuthservID: "mx.support.example"))))

    func decide(_ authenticationResults: String...) throws -> NoteDecision {
        let header = authenticationResults.map { "Authentication-Results: \($0)\r\n" }.joined()
            + "From: dana@vendor.example\r\nTo: notes@support.example\r\nSubject: [#143] Invoice\r\n"
        return extractor.decide(try MessageParser().parse(Array((header + "\r\nInvoice attached.\r\n").utf8)))
    }

    @Test func passFromTheTrustedServerIsPosted() throws {
        let decision = try decide(
            "mx.support.example; spf=pass smtp.mailfrom=vendor.example; dmarc=pass header.from=vendor.example")
        #expect(decision.skipReason == nil)
        #expect(decision.ticketID == 143)
    }

    @Test func versionCommentsAndCaseAreUnderstood() throws {
        let decision = try decide(
            "MX.Support.Example 1; dkim=pass (good signature) header.d=vendor.example; "
                + "DMARC=Pass (p=reject; dis=none) header.from=vendor.example")
        #expect(decision.skipReason == nil)
    }

    @Test func failIsUnauthenticatedWithTicketAndText() throws {
        let decision = try decide("mx.support.example; dmarc=fail (p=none) header.from=vendor.example")
        #expect(decision.action == .skip(.unauthenticated, detail: "mx.support.example recorded dmarc=fail"))
        #expect(decision.ticketID == 143)
        #expect(decision.text == "Invoice attached.")
    }

    @Test func dmarcNoneIsNotAPass() throws {
        let decision = try decide("mx.support.example; dmarc=none header.from=vendor.example")
        #expect(decision.action == .skip(.unauthenticated, detail: "mx.support.example recorded dmarc=none"))
    }

    @Test func headerWithoutADMARCResultIsNotAPass() throws {
        #expect(try decide("mx.support.example; spf=pass smtp.mailfrom=vendor.example").action
            == .skip(.unauthenticated, detail: "mx.support.example recorded no DMARC result"))
        #expect(try decide("mx.support.example; none").action
            == .skip(.unauthenticated, detail: "mx.support.example recorded no DMARC result"))
    }

    @Test func missingHeaderIsUnauthenticated() throws {
        let decision = try decide()
        #expect(decision.action
            == .skip(.unauthenticated, detail: "no Authentication-Results header from mx.support.example"))
    }

    @Test func passFromAnUntrustedServerDoesNotCount() throws {
        let decision = try decide("mx.vendor.example; dmarc=pass header.from=vendor.example")
        #expect(decision.action == .skip(.unauthenticated, detail:
            "no Authentication-Results header from mx.support.example (only from untrusted mx.vendor.example)"))
    }

    @Test func trustedHeaderIsFoundAmongOthers() throws {
        let decision = try decide(
            "mx.support.example; dmarc=pass header.from=vendor.example",
            "relay.partner.example; dmarc=fail header.from=vendor.example")
        #expect(decision.skipReason == nil)
    }

    @Test func topmostTrustedHeaderDecidesOverAForgedOneBelow() throws {
        let decision = try decide(
            "mx.support.example; dmarc=fail header.from=vendor.example",
            "mx.support.example; dmarc=pass header.from=vendor.example")
        #expect(decision.skipReason == .unauthenticated)
    }

    @Test func resultInsideACommentIsIgnored() throws {
        let decision = try decide("mx.support.example; dmarc=fail (looked like dmarc=pass; it was not) header.from=x")
        #expect(decision.action == .skip(.unauthenticated, detail: "mx.support.example recorded dmarc=fail"))
    }

    @Test func dmarcIsCheckedAfterTheSenderLists() throws {
        let extractor = NoteExtractor(configuration: .init(senderPolicy: SenderPolicy(
            denylist: [try SenderPattern("vendor.example")],
            requireDMARCPass: DMARCRequirement(trustedAuthservID: "mx.support.example"))))
        let message = try MessageParser().parse(Array(
            "From: dana@vendor.example\r\nSubject: [#143] x\r\n\r\nText.\r\n".utf8))
        #expect(extractor.decide(message).skipReason == .senderNotAllowed)
    }
}
