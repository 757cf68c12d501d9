import Testing

/// Inputs built to make a careless line scanner quadratic or recursive. They must keep the sender's
/// words. No benchmark runs these inputs and no duration is asserted: the generous time limit only ends
/// a run that went quadratic (the five together take about 5 s in a debug build on 2 cores today).
@Suite("Quote trimming: pathological inputs", .timeLimit(.minutes(1)))
struct QuoteTrimmingPathologicalInputTests {
    @Test func longInlineReplyIsKeptWhole() {
        let exchange = "> Which model?\nA LaserJet 4.\n\n"
        let text = String(repeating: exchange, count: 30_000)
        #expect(trimmed(text).hasPrefix("> Which model?\nA LaserJet 4."))
    }

    @Test func manyHeaderLikeLinesWithoutSenderAreNotAHeaderBlock() {
        let text = String(repeating: "To: Warehouse 3\n", count: 100_000)
        #expect(trimmed(text).utf8.count > text.utf8.count / 2)
    }

    @Test func manyAttributionsEachFollowedByQuotesKeepTheFirstAnswer() {
        let thread = "On Mon, Mar 2, 2026 at 10:00 AM, Support <support@example.com> wrote:\n\n> old\nnew\n"
        #expect(trimmed(String(repeating: thread, count: 12_000)).contains("new"))
    }

    @Test func oneHugeLineIsNotAnAttribution() {
        let text = "On " + String(repeating: "1234567890 ", count: 100_000) + "wrote:\n> quoted"
        #expect(trimmed(text).hasPrefix("On 1234567890"))
    }

    @Test func manyForwardsWithSignaturesKeepTheForwardedText() {
        let forward = "---------- Forwarded message ---------\nFrom: Carol <carol@example.com>\n\nText\n-- \nCarol\n"
        #expect(trimmed(String(repeating: forward, count: 30_000)).contains("Text"))
    }
}
