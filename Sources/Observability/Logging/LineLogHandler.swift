import Foundation
import Logging

/// The swift-log handler notegate installs: each entry is one line on standard error, in the configured
/// ``LogFormat``. The metadata is the handler's, the metadata provider's, then the call's, later ones winning.
///
/// - `json`, for log shippers: one JSON object,
///   `{"time":"2026-11-25T21:00:00.123Z","level":"info","label":"…","message":"…",…}`, then the metadata's keys;
///   a metadata key that would overwrite one of the line's own keys is written as `metadata.KEY` instead.
/// - `text`, for a person at a terminal or reading the journal, laid out like swift-log's `StreamLogHandler`:
///   `2026-11-25T21:00:00.123Z warning notegate.imap : host=imap.example.com [IMAPSource] IMAP connection lost`.
///   Messages and metadata often carry text from mail or a server, so the line goes through ``TerminalText``
///   with newlines replaced: no control character reaches the terminal, and an entry never passes for two.
public struct LineLogHandler: LogHandler {
    public let format: LogFormat
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: Receives each line, newline included, in one piece. Standard error by default.
    public init(
        label: String,
        format: LogFormat,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        write: @escaping @Sendable (String) -> Void = LineLogHandler.writeToStandardError
    ) {
        self.label = label
        self.format = format
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
        let entry = LogEntry(time: Date(), label: label, event: event, metadata: entryMetadata(event.metadata))
        switch format {
        case .json: write(JSONLogLine(entry).text + "\n")
        case .text: write(TerminalText.sanitized(entry.textLine, keepingNewlines: false) + "\n")
        }
    }

    private func entryMetadata(_ call: Logger.Metadata?) -> Logger.Metadata {
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

/// One log entry with its metadata merged, as both formats write it.
struct LogEntry {
    var time: Date
    var label: String
    var event: LogEvent
    var metadata: Logger.Metadata

    /// `2026-11-25T21:00:00.123Z`: UTC, milliseconds.
    var timestamp: String { time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

    /// The entry in the text format, before sanitising.
    var textLine: String {
        var fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let error = event.error {
            fields.append("error=\(error)")
        }
        let metadataText = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
        return "\(timestamp) \(event.level) \(label) :\(metadataText) [\(event.source)] \(event.message)"
    }
}
