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

    /// The default pattern is matched without the regex engine: on subjects built from the characters that
    /// make tags, break them (U+0600 joins the "[" after it) or look like digits, it finds what the same
    /// pattern finds as a regex.
    @Test func defaultPatternFindsWhatTheRegexFinds() throws {
        let asRegex = try TicketPattern(#"\[#([0-9]+)\](?:)"#)
        let pieces = ["[", "#", "]", "[#", "#]", "1", "0", "00", "9", "42", "2147483648", "\u{301}", "\u{20E3}", "\u{200D}",
                      "\u{FE0F}", "\u{600}", "１", "٣", "e\u{301}", "a", " ", "\r\n", "\n", "Re: ", "🎫"]
        var generator = SplitMix64(seed: 15)
        for _ in 0..<20_000 {
            let subject = (0..<Int(generator.next() % 12)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            #expect(standard.ticketIDs(in: subject) == asRegex.ticketIDs(in: subject), "\(subject.debugDescription)")
        }
    }
}

/// A seeded generator, so that a failure can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
