// Parses and extracts every message file given on the command line, over and over for a few
// seconds in one process, and prints messages/s and MB/s. Used by `make bench-parse`.
// With `--hostile [BYTES [CASE]]`, measures the crafted messages instead (`make bench-hostile`).
import Foundation
import NoteExtraction

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "--hostile" {
    let size = arguments.dropFirst().first.flatMap { Int($0) } ?? 25 << 20
    if let name = arguments.dropFirst(2).first {
        HostileBenchmark.run(bytes: size, name: name)
    } else {
        HostileBenchmark.runAll(bytes: size)
    }
    exit(0)
}
let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 5
let messages: [[UInt8]] = arguments.compactMap { path in
    FileManager.default.contents(atPath: path).map { Array($0) }
}
guard !messages.isEmpty else {
    FileHandle.standardError.write(Data("usage: notegate-bench-parse FILE... | --hostile [BYTES [CASE]]\n".utf8))
    exit(2)
}

let extractor = NoteExtractor()
let clock = ContinuousClock()
let start = clock.now
let deadline = start + .seconds(seconds)
var processed = 0
var bytes = 0
var posts = 0
while clock.now < deadline {
    for message in messages {
        if case .post = extractor.decide(rawMessage: message).action { posts += 1 }
        bytes += message.count
    }
    processed += messages.count
}
let elapsed = clock.now - start
let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let perSecond = Double(processed) / elapsedSeconds
let megabytesPerSecond = Double(bytes) / elapsedSeconds / 1_000_000
print(String(format: "notegate: %d messages (%d files) in %.1f s: %.0f messages/s, %.1f MB/s",
             processed, messages.count, elapsedSeconds, perSecond, megabytesPerSecond))
print(TrimmingShare.report(messages, extractor: extractor, secondsPerMessage: elapsedSeconds / Double(processed)))
print(String(format: "RESULT notegate %.1f %.2f", perSecond, megabytesPerSecond))
