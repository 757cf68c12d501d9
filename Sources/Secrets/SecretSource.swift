import Foundation

/// Where a secret comes from. Secrets are never written in the config file itself: they are read
/// from the environment, a file, or the output of a command, each time they are needed, so that a
/// rotated token is picked up on the next connection.
public enum SecretSource: Sendable, Equatable {
    /// An environment variable, by name.
    case environment(String)
    /// A file whose content, without trailing white space, is the secret.
    case file(String)
    /// A shell command (run with `/bin/sh -c`) whose standard output is the secret; see ``SecretCommand``.
    case command(String)

    /// Reads the secret now, blocking the calling thread while a command runs (at most `commandTimeout`): only
    /// for a thread that may block, like an IMAP connection's own. From async code use the `async` form.
    public func resolve(commandTimeout: Duration = SecretCommand.defaultTimeout) throws -> Secret {
        switch self {
        case .environment(let name): try Self.environmentVariable(name)
        case .file(let path): try Self.fileContents(path)
        case .command(let command):
            try Self.nonEmpty(try SecretCommand(command, timeout: commandTimeout).blockingOutput(),
                              from: "the secret command")
        }
    }

    /// Reads the secret now; a command runs on a thread of its own, off Swift's cooperative pool, for at most
    /// `commandTimeout`.
    public func resolve(commandTimeout: Duration = SecretCommand.defaultTimeout) async throws -> Secret {
        switch self {
        case .environment(let name): try Self.environmentVariable(name)
        case .file(let path): try Self.fileContents(path)
        case .command(let command):
            try Self.nonEmpty(try await SecretCommand(command, timeout: commandTimeout).output(),
                              from: "the secret command")
        }
    }

    private static func environmentVariable(_ name: String) throws -> Secret {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw SecretError("environment variable \(name) is not set or empty; export it before starting notegate")
        }
        return Secret(value)
    }

    private static func fileContents(_ configuredPath: String) throws -> Secret {
        let path = try credentialsPath(configuredPath)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretError("cannot read the secret file \(path); check that it exists and is readable")
        }
        return try nonEmpty(String(decoding: data, as: UTF8.self), from: "the secret file \(path)")
    }

    /// The credentials folder systemd gives a unit with `LoadCredential=` (readable by its `DynamicUser=` only):
    /// a secret file path may start with `${CREDENTIALS_DIRECTORY}/`, like `${CREDENTIALS_DIRECTORY}/imap-password`.
    public static let credentialsDirectoryReference = "${CREDENTIALS_DIRECTORY}"

    /// `path` with `${CREDENTIALS_DIRECTORY}` replaced by the folder systemd named in the environment.
    static func credentialsPath(_ path: String) throws -> String {
        guard path.contains(credentialsDirectoryReference) else { return path }
        guard let folder = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty else {
            throw SecretError("the secret file \(path) is in ${CREDENTIALS_DIRECTORY}, which is set only when systemd "
                + "starts notegate with LoadCredential=; start it from the unit, or export CREDENTIALS_DIRECTORY")
        }
        return path.replacingOccurrences(of: credentialsDirectoryReference, with: folder)
    }

    private static func nonEmpty(_ text: String, from origin: String) throws -> Secret {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SecretError("\(origin) gave an empty secret") }
        return Secret(trimmed)
    }
}

/// A secret could not be read. The message names the source, never the secret.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
