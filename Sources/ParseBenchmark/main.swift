// Parses and extracts every message file given on the command line, over and over for a few
// seconds in one process, and prints messages/s and MB/s. Used by `make bench-parse`.
// `BENCH_SECONDS` sets how long (default 5); `BENCH_SLOWEST=N` lists the N files that cost the most per message.
// `BENCH_ROUNDS=N` runs exactly N rounds over the files instead, without the trimming share, for counting
// instructions per message with `perf stat` (which the load of other processes does not change).
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
let fixedRounds = Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "")
let files: [(path: String, bytes: [UInt8])] = arguments.compactMap { path in
    FileManager.default.contents(atPath: path).map { (path, Array($0)) }
}
let messages = files.map(\.bytes)
let paths = files.map(\.path)
guard !messages.isEmpty else {
    FileHandle.standardError.write(Data("usage: notegate-bench-parse FILE... | --hostile [BYTES [CASE]]\n".utf8))
    exit(2)
}

let extractor = NoteExtractor()
let clock = ContinuousClock()
let cpuAtStart = ProcessCPU.seconds()
let start = clock.now
let deadline = start + .seconds(seconds)
var processed = 0
var bytes = 0
var posts = 0
/// The time spent on each file, summed over the rounds: its mean is that file's cost per message.
var perFile = [Duration](repeating: .zero, count: messages.count)
while fixedRounds.map({ processed < $0 * messages.count }) ?? (clock.now < deadline) {
    for (index, message) in messages.enumerated() {
        let before = clock.now
        if case .post = extractor.decide(rawMessage: message).action { posts += 1 }
        perFile[index] += clock.now - before
        bytes += message.count
    }
    processed += messages.count
}
let elapsed = clock.now - start
let cpuSeconds = ProcessCPU.seconds() - cpuAtStart
let elapsedSeconds = elapsed.seconds
let rounds = max(1, processed / messages.count)
let perMessage = perFile.map { $0.seconds / Double(rounds) }.sorted()
let perSecond = Double(processed) / elapsedSeconds
let megabytesPerSecond = Double(bytes) / elapsedSeconds / 1_000_000
print(String(format: "notegate: %d messages (%d files) in %.1f s: %.0f messages/s, %.1f MB/s",
             processed, messages.count, elapsedSeconds, perSecond, megabytesPerSecond))
print(String(format: "per message: %.1f µs median, %.1f µs at the 90th percentile, %.1f µs the slowest file; %.3f CPU s per 1,000 messages",
             perMessage[perMessage.count / 2] * 1e6, perMessage[perMessage.count * 9 / 10] * 1e6,
             perMessage[perMessage.count - 1] * 1e6, cpuSeconds / Double(processed) * 1000))
if ProcessInfo.processInfo.environment["BENCH_SLOWEST"] != nil {
    let slowest = perFile.indices.sorted { perFile[$0] > perFile[$1] }.prefix(Int(ProcessInfo.processInfo.environment["BENCH_SLOWEST"] ?? "") ?? 15)
    for index in slowest {
        print(String(format: "%10.1f µs  %8d bytes  %@", perFile[index].seconds / Double(rounds) * 1e6, messages[index].count,
                     paths[index] as NSString))
    }
}
if fixedRounds == nil {
    print(TrimmingShare.report(messages, extractor: extractor, secondsPerMessage: elapsedSeconds / Double(processed)))
}
print(String(format: "RESULT notegate %.1f %.2f", perSecond, megabytesPerSecond))
