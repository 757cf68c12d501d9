import Testing
import NoteExtraction

@Suite struct TicketPatternTests {
    let standard = TicketPattern.standard

    @Test(arguments: [
        ("[#143] Printer", [143]),
        ("Re: Fwd: Printer [#0143]", [143]),
        ("AW: [#7] x [#7]", [7, 7]),
        ("[#2147483647] max", [2147483647]),
    ])
    func findsTags(_ subject: String, _ expected: [Int]) {
        #expect(standard.ticketIDs(in: subject) == expected)
    }

    @Test(arguments: ["[# 143]", "[#143abc]", "#143", "[143]", "[#2147483648]", "[#0]", "[#]", ""])
    func ignoresWhatIsNotATag(_ subject: String) {
        #expect(standard.ticketIDs(in: subject).isEmpty)
    }

    @Test func customPatternWithOneGroupIsUsed() throws {
        let pattern = try TicketPattern(#"Ticket-(\d+)"#)
        #expect(pattern.ticketIDs(in: "Re: Ticket-0042 update") == [42])
        #expect(pattern.ticketIDs(in: "[#42]").isEmpty)
    }

    @Test func patternsWithoutExactlyOneGroupAreRefused() {
        #expect(throws: TicketPatternError.self) { try TicketPattern(#"\[#\d+\]"#) }
        #expect(throws: TicketPatternError.self) { try TicketPattern(#"(\d+)-(\d+)"#) }
        #expect(throws: TicketPatternError.self) { try TicketPattern("([unclosed") }
    }
}
