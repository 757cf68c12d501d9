import Foundation

/// Where a secret comes from. Secrets are never written in the config file itself: they are read
/// from the environment, a file, or the output of a command, each time they are needed, so that a
/// rotated token is picked up on the next connection.
public enum SecretSource: Sendable, Equatable {
    /// An environment variable, by name.
    case environment(String)
    /// A file whose content, without trailing white space, is the secret.
    case file(String)
    /// A shell command (run with `/bin/sh -c`) whose standard output is the secret.
    case command(String)

    /// Reads the secret now.
    public func resolve() throws -> Secret {
        switch self {
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw SecretError("environment variable \(name) is not set or empty; export it before starting notegate")
            }
            return Secret(value)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecretError("cannot read the secret file \(path); check that it exists and is readable")
            }
            return try nonEmpty(String(decoding: data, as: UTF8.self), from: "the secret file \(path)")
        case .command(let command):
            return try nonEmpty(try run(command), from: "the command `\(command)`")
        }
    }

    private func nonEmpty(_ text: String, from origin: String) throws -> Secret {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SecretError("\(origin) gave an empty secret") }
        return Secret(trimmed)
    }

    private func run(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SecretError("the command `\(command)` exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A secret could not be read. The message names the source, never the secret.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
