import Foundation

/// The `--json` lines, put together so that every line keeps its documented key order and spells absent values
/// as explicit nulls, which Foundation's encoder does not promise for an object; each string is spelled by
/// Foundation's encoder itself.
enum JSONText {
    /// An object with `fields` in the given order; each value is already JSON.
    static func object(_ fields: [(key: String, value: String)]) -> String {
        "{" + fields.map { "\(string($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
    }

    /// An array of values that are already JSON.
    static func array(_ values: [String]) -> String {
        "[" + values.joined(separator: ", ") + "]"
    }

    /// A number, or `null`.
    static func number(_ value: (some BinaryInteger)?) -> String {
        value.map { String($0) } ?? "null"
    }

    /// A JSON string literal (RFC 8259 escaping, by `JSONEncoder`), or `null`.
    static func string(_ value: String?) -> String {
        guard let value else { return "null" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // A string always encodes; "null" is only a fallback for the impossible.
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
