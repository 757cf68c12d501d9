import Foundation
import HostileMail
import NoteExtraction

/// `notegate-bench-parse --hostile [BYTES]`: decides every crafted message of `HostileMail` at the given
/// size (default 25 MiB, the largest message notegate fetches) and prints the CPU time and the peak
/// memory above the baseline of each decision, against the budget's goal of 1 s and 64 MiB.
/// `NOTE_BYTES` sets `max_note_bytes` (default 64 KiB); the text budget is four times it.
enum HostileBenchmark {
    static let goalSeconds = 1.0
    static let goalBytes = 64 << 20

    /// Measures every case, each in a fresh process of this program so that no case's memory is
    /// counted in another's baseline.
    static func runAll(bytes: Int) {
        let noteBytes = ProcessInfo.processInfo.environment["NOTE_BYTES"] ?? "65536"
        print("bench-hostile: each crafted message at \(bytes / 1024) KiB, max_note_bytes \(noteBytes), decided once in a fresh process "
            + "(goal: ≤ \(goalSeconds) s CPU, ≤ \(goalBytes >> 20) MiB above baseline)")
        print("case                            bytes    cpu s  peak MiB  decision")
        var results: [(name: String, seconds: Double, peak: Double)] = []
        for hostile in HostileMail.all {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["--hostile", String(bytes), hostile.name]
            // Large blocks come from and go back to the kernel, so resident memory shows what is in use.
            process.environment = ProcessInfo.processInfo.environment
                .merging(["GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"]) { _, new in new }
            let output = Pipe()
            process.standardOutput = output
            do {
                try process.run()
            } catch {
                print("\(hostile.name): cannot start \(CommandLine.arguments[0]): \(error)")
                continue
            }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            guard process.terminationReason == .exit, process.terminationStatus == 0 else {
                print("\(hostile.name): CRASHED (\(process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(process.terminationStatus))")
                results.append((hostile.name, .infinity, .infinity))
                continue
            }
            print(line)
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count > 3, let seconds = Double(fields[2]), let peak = Double(fields[3]) {
                results.append((hostile.name, seconds, peak))
            }
        }
        if let cpu = results.max(by: { $0.seconds < $1.seconds }), let memory = results.max(by: { $0.peak < $1.peak }) {
            print(String(format: "worst CPU: %.3f s (%@); worst memory: %.1f MiB above baseline (%@)",
                         cpu.seconds, cpu.name as NSString, memory.peak, memory.name as NSString))
        }
    }

    /// Measures one case in this process and prints its line.
    static func run(bytes: Int, name: String) {
        guard let hostile = HostileMail.all.first(where: { $0.name == name }) else {
            FileHandle.standardError.write(Data("no crafted message named \(name)\n".utf8))
            exit(2)
        }
        let noteBytes = ProcessInfo.processInfo.environment["NOTE_BYTES"].flatMap { Int($0) } ?? 64 * 1024
        let extractor = NoteExtractor(configuration: .init(maximumNoteBytes: noteBytes))
        let raw = hostile.make(bytes)
        ProcessMemory.resetPeak()
        let baseline = ProcessMemory.residentBytes()
        let cpuBefore = ProcessMemory.cpuSeconds()
        let decision = extractor.decide(rawMessage: raw)
        let seconds = ProcessMemory.cpuSeconds() - cpuBefore
        let peak = Double(max(0, ProcessMemory.peakResidentBytes() - baseline)) / 1_048_576
        let over = seconds > goalSeconds || peak > Double(goalBytes >> 20) ? "  OVER GOAL" : ""
        print(hostile.name.padding(toLength: 27, withPad: " ", startingAt: 0)
            + String(format: " %9d %8.3f %9.1f  ", raw.count, seconds, peak) + describe(decision) + over)
    }

    private static func describe(_ decision: NoteDecision) -> String {
        switch decision.action {
        case .post(let ticket, let note): return "post #\(ticket), note \(note.utf8.count) bytes"
        case .skip(let reason, let detail): return "skip \(reason.rawValue)" + (detail.map { ": \($0)" } ?? "")
        }
    }
}

/// This process's CPU time and resident memory, from the kernel (Linux).
enum ProcessMemory {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Resets the kernel's peak resident size (VmHWM) to the current size.
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func residentBytes() -> Int { statusField("VmRSS:") }
    static func peakResidentBytes() -> Int { statusField("VmHWM:") }

    private static func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) * 1024
    }
}
