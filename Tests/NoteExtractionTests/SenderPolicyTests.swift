import Testing
import MailParsing
import NoteExtraction

private func message(
    from: String = "Dana <dana@vendor.example>", subject: String = "[#143] Invoice", headers: [String] = []
) throws -> ParsedMessage {
    let header = (headers + ["From: \(from)", "To: notes@support.example", "Subject: \(subject)"])
        .joined(separator: "\r\n")
    return try MessageParser().parse(Array((header + "\r\n\r\nInvoice attached.\r\n").utf8))
}

private func patterns(_ texts: String...) throws -> [SenderPattern] {
    try texts.map { try SenderPattern($0) }
}

@Suite struct SenderPatternTests {
    @Test func exactAddressMatchesOnlyThatAddress() throws {
        let pattern = try SenderPattern("dana@vendor.example")
        #expect(pattern.matches("dana@vendor.example"))
        #expect(!pattern.matches("eve@vendor.example"))
        #expect(!pattern.matches("dana@eu.vendor.example"))
    }

    @Test func domainMatchesThatDomainButNotItsSubdomains() throws {
        let pattern = try SenderPattern("vendor.example")
        #expect(pattern.matches("eve@vendor.example"))
        #expect(!pattern.matches("eve@eu.vendor.example"))
        #expect(!pattern.matches("eve@othervendor.example"))
    }

    @Test func wildcardMatchesSubdomainsButNotTheDomainItself() throws {
        let pattern = try SenderPattern("*.vendor.example")
        #expect(pattern.matches("eve@eu.vendor.example"))
        #expect(pattern.matches("eve@mail.eu.vendor.example"))
        #expect(!pattern.matches("eve@vendor.example"))
        #expect(!pattern.matches("eve@evilvendor.example"))
    }

    @Test func matchingIgnoresCase() throws {
        #expect(try SenderPattern("Dana@Vendor.Example").matches("DANA@vendor.EXAMPLE"))
        #expect(try SenderPattern("VENDOR.example").matches("eve@Vendor.Example"))
        #expect(try SenderPattern("*.Vendor.Example").matches("eve@EU.VENDOR.example"))
        #expect(try SenderPattern(" *.Vendor.Example ").description == "*.vendor.example")
    }

    @Test(arguments: ["", "@vendor.example", "dana@", "*.", "*vendor.example", "vendor..example", "vendor example"])
    func unusablePatternIsRefusedWithTheReason(text: String) {
        #expect(throws: InvalidSenderPattern.self) { try SenderPattern(text) }
    }

    @Test func refusalSaysWhichPatternAndWhy() {
        let error = #expect(throws: InvalidSenderPattern.self) { try SenderPattern("dana@") }
        #expect(error?.description == "sender pattern \"dana@\" is not valid: an address needs a local part and a domain")
    }
}

@Suite struct SenderListTests {
    func extractor(allow: [SenderPattern] = [], deny: [SenderPattern] = []) -> NoteExtractor {
        NoteExtractor(configuration: .init(senderPolicy: SenderPolicy(allowlist: allow, denylist: deny)))
    }

    @Test func defaultPolicyAllowsEveryone() throws {
        let decision = NoteExtractor().decide(try message(from: "anyone@anywhere.example"))
        #expect(decision.skipReason == nil)
        #expect(decision.ticketID == 143)
    }

    @Test func allowlistedSenderIsPosted() throws {
        let decision = extractor(allow: try patterns("other@partner.example", "*.vendor.example", "vendor.example"))
            .decide(try message())
        #expect(decision.skipReason == nil)
    }

    @Test func senderMissingFromTheAllowlistIsSkippedWithTicketAndText() throws {
        let decision = extractor(allow: try patterns("partner.example")).decide(try message())
        #expect(decision.action == .skip(.senderNotAllowed, detail: "sender dana@vendor.example is not on the allowlist"))
        #expect(decision.ticketID == 143)
        #expect(decision.text == "Invoice attached.")
        #expect(decision.draftNote != nil)
    }

    @Test func emptyAllowlistWithADenylistAllowsEveryoneElse() throws {
        let extractor = extractor(deny: try patterns("spam.example"))
        #expect(extractor.decide(try message()).skipReason == nil)
        #expect(extractor.decide(try message(from: "x@spam.example")).skipReason == .senderNotAllowed)
    }

    @Test func denylistWinsOverAllowlist() throws {
        let decision = extractor(allow: try patterns("vendor.example"), deny: try patterns("dana@vendor.example"))
            .decide(try message())
        #expect(decision.action
            == .skip(.senderNotAllowed, detail: "sender dana@vendor.example matches denylist entry dana@vendor.example"))
    }

    @Test func anyDeniedFromAddressDeniesTheMessage() throws {
        let decision = extractor(deny: try patterns("*.spam.example"))
            .decide(try message(from: "dana@vendor.example, bot@eu.spam.example"))
        #expect(decision.skipReason == .senderNotAllowed)
    }

    @Test func everyFromAddressMustBeAllowed() throws {
        let decision = extractor(allow: try patterns("vendor.example"))
            .decide(try message(from: "dana@vendor.example, eve@elsewhere.example"))
        #expect(decision.action
            == .skip(.senderNotAllowed, detail: "sender eve@elsewhere.example is not on the allowlist"))
    }

    @Test func automatedMailKeepsItsOwnReason() throws {
        let decision = extractor(deny: try patterns("vendor.example"))
            .decide(try message(headers: ["Auto-Submitted: auto-replied"]))
        #expect(decision.skipReason == .autoReply)
    }

    @Test func senderRulesComeBeforeTicketRules() throws {
        let decision = extractor(deny: try patterns("vendor.example")).decide(try message(subject: "no tag"))
        #expect(decision.skipReason == .senderNotAllowed)
    }
}
