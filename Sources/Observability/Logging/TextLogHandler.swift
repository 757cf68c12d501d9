import Foundation
import Logging

/// A swift-log handler for a person reading standard error or the journal: one line per entry,
/// `2026-11-25T21:00:00.123Z warning notegate.imap : host=imap.example.com [IMAPSource] IMAP connection lost`,
/// laid out like swift-log's `StreamLogHandler`. Messages and metadata often carry text from mail or a server, so
/// both go through ``TerminalText`` with newlines replaced: no control character reaches the terminal, and an
/// entry can never pass for more than one line.
public struct TextLogHandler: LogHandler {
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

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = entryMetadata(event.metadata).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let error = event.error {
            fields.append("error=\(error)")
        }
        let metadataText = fields.isEmpty ? "" : " " + fields.joined(separator: " ")
        let line = "\(Date().formatted(.iso8601WithMilliseconds)) \(event.level) \(label) :\(metadataText) "
            + "[\(event.source)] \(event.message)"
        write(TerminalText.sanitized(line, keepingNewlines: false) + "\n")
    }
}
