import Testing

@Suite("Quote trimming: time linear in the text")
struct QuoteTrimmingPerformanceTests {
    /// Whether trimming a megabyte or so takes seconds at most, even in a debug build on a busy machine.
    private func trimsQuickly(_ text: String) -> Bool {
        let elapsed = ContinuousClock().measure { _ = trimmed(text) }
        return elapsed < .seconds(5)
    }

    @Test func longInlineReply() {
        let exchange = "> Which model?\nA LaserJet 4.\n\n"
        let fast = trimsQuickly(String(repeating: exchange, count: 30_000))
        #expect(fast)
    }

    @Test func manyHeaderLikeLinesWithoutSender() {
        let fast = trimsQuickly(String(repeating: "To: Warehouse 3\n", count: 100_000))
        #expect(fast)
    }

    @Test func manyAttributionsEachFollowedByQuotes() {
        let thread = "On Mon, Mar 2, 2026 at 10:00 AM, Support <support@example.com> wrote:\n\n> old\nnew\n"
        let fast = trimsQuickly(String(repeating: thread, count: 12_000))
        #expect(fast)
    }

    @Test func oneHugeLine() {
        let fast = trimsQuickly("On " + String(repeating: "1234567890 ", count: 100_000) + "wrote:\n> quoted")
        #expect(fast)
    }

    @Test func manyForwardsWithSignatures() {
        let forward = "---------- Forwarded message ---------\nFrom: Carol <carol@example.com>\n\nText\n-- \nCarol\n"
        let fast = trimsQuickly(String(repeating: forward, count: 30_000))
        #expect(fast)
    }
}
