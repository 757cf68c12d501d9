/// Decodes header text: RFC 2047 encoded words (`=?charset?B|Q?...?=`) in any charset, and raw
/// 8-bit bytes (UTF-8 when valid, else windows-1252). Adjacent encoded words are joined as
/// RFC 2047 says, also when a multi-byte character is split between them.
public enum EncodedWords {
    public static func decode(_ raw: [UInt8]) -> String {
        guard raw.contains(UInt8(ascii: "=")) else { return CharsetDecoder.decode(raw, charset: nil) }
        var result = ""
        var plain: [UInt8] = []            // undecoded text waiting to be appended
        var pendingWhitespace: [UInt8] = [] // whitespace after an encoded word, dropped if another follows
        var encoded: (charset: String, bytes: [UInt8])?
        var lastWasEncoded = false
        var index = 0
        var search = EncodedWordSearch()

        func flushEncoded() {
            if let pending = encoded {
                result += CharsetDecoder.decode(pending.bytes, charset: pending.charset)
                encoded = nil
            }
        }

        while index < raw.count {
            if raw[index] == UInt8(ascii: "="), index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "?"),
               let word = EncodedWord.parse(raw, at: index, search: &search) {
                if lastWasEncoded {
                    pendingWhitespace.removeAll()
                } else {
                    plain.append(contentsOf: pendingWhitespace)
                    pendingWhitespace.removeAll()
                    result += CharsetDecoder.decode(plain, charset: nil)
                    plain.removeAll()
                }
                if let pending = encoded, pending.charset.caseInsensitiveEquals(word.charset) {
                    encoded!.bytes.append(contentsOf: word.bytes)
                } else {
                    flushEncoded()
                    encoded = (word.charset, word.bytes)
                }
                lastWasEncoded = true
                index = word.end
                continue
            }
            let byte = raw[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if lastWasEncoded { pendingWhitespace.append(byte) } else { plain.append(byte) }
            } else {
                if lastWasEncoded {
                    flushEncoded()
                    plain.append(contentsOf: pendingWhitespace)
                    pendingWhitespace.removeAll()
                    lastWasEncoded = false
                }
                plain.append(byte)
            }
            index += 1
        }
        flushEncoded()
        plain.append(contentsOf: pendingWhitespace)
        result += CharsetDecoder.decode(plain, charset: nil)
        return result
    }
}

/// One `=?charset?encoding?text?=` token, decoded to bytes in its charset.
struct EncodedWord {
    var charset: String
    var bytes: [UInt8]
    var end: Int

    /// Longer charset names than this are not charsets.
    static let maximumCharsetLength = 64

    static func parse(_ raw: [UInt8], at start: Int, search: inout EncodedWordSearch) -> EncodedWord? {
        let question = UInt8(ascii: "?")
        var index = start + 2
        let charsetLimit = min(raw.count, index + maximumCharsetLength)
        guard let charsetEnd = raw[index..<charsetLimit].firstIndex(of: question) else { return nil }
        var charset = String(decoding: raw[index..<charsetEnd], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) } // RFC 2231 language
        index = charsetEnd + 1
        guard index + 1 < raw.count, raw[index + 1] == question else { return nil }
        let encoding = raw[index] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        index += 2
        guard let textEnd = search.closing(in: raw, from: index) else { return nil }
        // An encoded word ends at whitespace (RFC 2047 section 5): one that does not close before it is text.
        if let space = search.whitespace(in: raw, from: index), space < textEnd { return nil }
        let text = raw[index..<textEnd]
        let bytes = encoding == UInt8(ascii: "b") ? Base64.decode(text)
            : QuotedPrintable.decode(text, underscoreIsSpace: true)
        return EncodedWord(charset: charset, bytes: bytes, end: textEnd + 2)
    }
}

/// Finds the next `?=` and the next whitespace in a header value, remembering the last answer: the
/// positions asked about only move forward, so a value with many `=?` that never close is still
/// read once, not once per `=?`.
struct EncodedWordSearch {
    private var closingFrom = Int.max
    private var closingFound: Int?
    private var spaceFrom = Int.max
    private var spaceFound: Int?

    /// The index of the first `?=` at or after `start`.
    mutating func closing(in raw: [UInt8], from start: Int) -> Int? {
        if closingFrom <= start, closingFound.map({ $0 >= start }) ?? true { return closingFound }
        var index = start
        while index + 1 < raw.count, !(raw[index] == UInt8(ascii: "?") && raw[index + 1] == UInt8(ascii: "=")) {
            index += 1
        }
        closingFrom = start
        closingFound = index + 1 < raw.count ? index : nil
        return closingFound
    }

    /// The index of the first space, tab or line break at or after `start`.
    mutating func whitespace(in raw: [UInt8], from start: Int) -> Int? {
        if spaceFrom <= start, spaceFound.map({ $0 >= start }) ?? true { return spaceFound }
        spaceFrom = start
        spaceFound = raw[start...].firstIndex {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n")
        }
        return spaceFound
    }
}

/// Lenient base64: skips characters outside the alphabet, stops at padding.
enum Base64 {
    static func decode<Bytes: Collection<UInt8>>(_ input: Bytes) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): return output
            default: continue
            }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}

/// Quoted-printable as used in encoded words (`_` is a space) and RFC 2231 values.
enum QuotedPrintable {
    static func decode<Bytes: Collection<UInt8>>(_ input: Bytes, underscoreIsSpace: Bool, escape: UInt8 = UInt8(ascii: "=")) -> [UInt8] {
        let bytes = Array(input)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == escape, let high = hexValue(bytes, index + 1), let low = hexValue(bytes, index + 2) {
                output.append(high << 4 | low)
                index += 3
            } else if byte == UInt8(ascii: "_") && underscoreIsSpace {
                output.append(UInt8(ascii: " "))
                index += 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ bytes: [UInt8], _ index: Int) -> UInt8? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return bytes[index] - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return bytes[index] - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return bytes[index] - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
