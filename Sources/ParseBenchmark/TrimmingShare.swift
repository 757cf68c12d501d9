import Foundation
import NoteExtraction

/// Reply trimming measured on its own, on the same messages: how much of parse-and-extract it costs.
/// The text rules run on each message's untrimmed body text for about a second; HTML's structural cut
/// happens inside HTML rendering and is part of the parse figure, not of this one.
enum TrimmingShare {
    static func report(_ messages: [[UInt8]], extractor: NoteExtractor, secondsPerMessage: Double) -> String {
        let bodies = messages.compactMap { try? extractor.parse($0) }.map { extractor.untrimmedBody(of: $0) }
        guard !bodies.isEmpty, secondsPerMessage > 0 else { return "reply trimming: no message to measure" }
        let trimmer = QuoteTrimmer()
        let clock = ContinuousClock()
        let start = clock.now
        var rounds = 0
        var cuts = 0
        while clock.now < start + .seconds(1) {
            for body in bodies { cuts += trimmer.trimming(body).cuts.count }
            rounds += 1
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perMessage = seconds / Double(rounds * bodies.count)
        return String(format: "reply trimming: %.1f µs per message (%d cuts a round), %.1f %% of parse and extract (goal: at most 5 %%)",
                      perMessage * 1e6, cuts / max(rounds, 1), perMessage / secondsPerMessage * 100)
    }
}
