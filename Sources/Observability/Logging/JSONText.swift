import Logging

/// JSON spelling of the values a log line carries, escaped per RFC 8259 so any message or metadata (quotes,
/// backslashes, newlines, control characters) stays on one line and parses.
enum JSONText {
    static func string(_ text: String) -> String {
        var quoted = "\""
        quoted.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// A metadata value: strings as strings, nested dictionaries as objects, arrays as arrays.
    static func value(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): string(text)
        case .stringConvertible(let convertible): string(convertible.description)
        case .dictionary(let dictionary): object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, self.value($0.value)) })
        case .array(let array): "[" + array.map { self.value($0) }.joined(separator: ",") + "]"
        }
    }

    /// An object from already-spelled values, in the order given.
    static func object(_ fields: [(key: String, json: String)]) -> String {
        "{" + fields.map { string($0.key) + ":" + $0.json }.joined(separator: ",") + "}"
    }
}
