import Foundation
import Logging

/// A swift-log handler for log shippers: each entry is one JSON object on one line,
/// `{"time":"2026-11-25T21:00:00.123Z","level":"info","label":"…","message":"…",…}`, followed by the
/// metadata's keys (the handler's, the metadata provider's, then the call's, later ones winning).
///
/// A metadata key that would overwrite one of the line's own keys is written as `metadata.KEY` instead.
public struct JSONLogHandler: LogHandler {
    private static let ownKeys: Set<String> = ["time", "level", "label", "message", "error"]

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: Receives each line, newline included, in one piece. Standard error by default.
    public init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        write: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// Writes `line` to standard error in one `write(2)`, so lines from concurrent tasks do not interleave.
    public static func writeToStandardError(_ line: String) {
        FileHandle.standardError.write(Data(line.utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = JSONLogLine()
        line.append("time", .string(Date().formatted(.iso8601WithMilliseconds)))
        line.append("level", .string(event.level.rawValue))
        line.append("label", .string(label))
        line.append("message", .string(event.message.description))
        if let error = event.error {
            line.append("error", .string(String(describing: error)))
        }
        for (key, value) in entryMetadata(event.metadata).sorted(by: { $0.key < $1.key }) {
            line.append(Self.ownKeys.contains(key) ? "metadata.\(key)" : key, value)
        }
        write(line.text + "\n")
    }
}

extension LogHandler {
    /// The metadata of one entry: the handler's, the metadata provider's, then the call's, later ones winning.
    func entryMetadata(_ call: Logger.Metadata?) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, provided in provided }
        }
        if let call {
            merged.merge(call) { _, call in call }
        }
        return merged
    }
}

extension FormatStyle where Self == Date.ISO8601FormatStyle {
    /// `2026-11-25T21:00:00.123Z`: UTC, milliseconds.
    static var iso8601WithMilliseconds: Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    }
}
