import Foundation

/// The `notegate` executable `swift build` put beside this test bundle, run as an operator would.
enum NotegateBinary {
    /// The products directory (`.build/debug`) holding the test bundle and the executable.
    static var productsDirectory: URL {
        #if os(macOS)
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    /// Runs `notegate` with `arguments` and waits for it to exit. Output goes through files, so a
    /// long listing cannot fill a pipe and stall the child.
    static func run(_ arguments: [String]) async throws -> CommandResult {
        let executable = productsDirectory.appendingPathComponent("notegate")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw MissingExecutable(path: executable.path)
        }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-run-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdoutURL = folder.appendingPathComponent("stdout")
        let stderrURL = folder.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return CommandResult(
            status: status,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8)
        )
    }
}

/// How a `notegate` run ended and what it printed.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The lines printed on stdout, without the final newline.
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

struct MissingExecutable: Error, CustomStringConvertible {
    var path: String
    var description: String { "no notegate executable at \(path): run `swift build` (or `swift test`) first" }
}
