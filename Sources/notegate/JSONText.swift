/// JSON written by hand so that every `--json` line keeps its documented key order and spells
/// absent values as explicit nulls.
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

    /// A JSON string literal (RFC 8259 escaping), or `null`.
    static func string(_ value: String?) -> String {
        guard let value else { return "null" }
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
