import Foundation
import Logging

/// One log entry as one line of JSON. Foundation's encoder spells each key and value (RFC 8259 escaping, so
/// quotes and newlines stay on the line); the object is put together here so the keys keep their order —
/// `time`, `level`, `label`, `message` first — which its encoder does not promise.
struct JSONLogLine {
    private static let ownKeys: Set<String> = ["time", "level", "label", "message", "error"]

    private var fields: [(key: String, value: JSONLogValue)] = []

    /// The entry's own keys, then its metadata sorted by key; a metadata key that would overwrite one of the
    /// line's own keys becomes `metadata.KEY`.
    init(_ entry: LogEntry) {
        append("time", .string(entry.timestamp))
        append("level", .string(entry.event.level.rawValue))
        append("label", .string(entry.label))
        append("message", .string(entry.event.message.description))
        if let error = entry.event.error {
            append("error", .string(String(describing: error)))
        }
        for (key, value) in entry.metadata.sorted(by: { $0.key < $1.key }) {
            append(Self.ownKeys.contains(key) ? "metadata.\(key)" : key, value)
        }
    }

    private mutating func append(_ key: String, _ value: Logger.MetadataValue) {
        fields.append((key, JSONLogValue(value: value)))
    }

    /// The object, without a line break.
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: some Encodable) -> String {
            // Strings and dictionaries of strings always encode; "null" is only a fallback for the impossible.
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        }
        return "{" + fields.map { json($0.key) + ":" + json($0.value) }.joined(separator: ",") + "}"
    }
}
