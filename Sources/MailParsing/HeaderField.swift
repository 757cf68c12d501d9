#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One header field as it appeared in the message: its name and its unfolded, still-encoded value.
public struct HeaderField: Sendable, Equatable {
    public var name: String
    /// The value with folding removed, as raw bytes (it may hold 8-bit or RFC 2047 encoded text).
    public var rawValue: [UInt8]

    public init(name: String, rawValue: [UInt8]) {
        self.name = name
        self.rawValue = rawValue
    }

    /// The value decoded for display: RFC 2047 encoded words and raw 8-bit bytes become UTF-8.
    public var decodedValue: String { EncodedWords.decode(rawValue) }
}

/// The header fields of a message or MIME part, in order.
public struct HeaderFields: Sendable, Equatable {
    public var fields: [HeaderField]

    public init(_ fields: [HeaderField] = []) { self.fields = fields }

    /// The first field with this name (case-insensitive).
    public subscript(name: String) -> HeaderField? {
        fields.first { $0.name.caseInsensitiveEquals(name) }
    }

    /// Every field with this name (case-insensitive), in order.
    public func all(_ name: String) -> [HeaderField] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }
    }

    /// The first value with this name, decoded and trimmed.
    public func value(_ name: String) -> String? {
        self[name].map { $0.decodedValue.trimmingWhitespace() }
    }

    public var isEmpty: Bool { fields.isEmpty }
}

extension HeaderFields {
    /// Values longer than this are cut when no budget says otherwise.
    static let defaultValueLimit = MessageBudget().maximumHeaderValueBytes

    /// Splits a header block (everything before the first empty line) into unfolded fields, each
    /// value cut at `valueLimit` bytes. Returns nil when the bytes do not start with a header field.
    static func parse(_ bytes: UnsafeRawBufferPointer, valueLimit: Int = defaultValueLimit) -> HeaderFields? {
        var fields: [HeaderField] = []
        var index = 0
        let count = bytes.count
        while index < count {
            let lineEnd = bytes.endOfLine(from: index)
            let contentEnd = bytes.trimmingLineBreak(start: index, end: lineEnd)
            if contentEnd == index { break } // the empty line ending the header
            let first = bytes[index]
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                // A continuation line: unfold into the previous field.
                if !fields.isEmpty {
                    let room = valueLimit - fields[fields.count - 1].rawValue.count
                    if room > 0 {
                        fields[fields.count - 1].rawValue.append(contentsOf: bytes[index..<min(contentEnd, index + room)])
                    }
                }
            } else if let colon = fieldNameEnd(bytes, from: index, to: contentEnd) {
                let name = String(decoding: bytes[index..<colon], as: UTF8.self)
                var valueStart = colon + 1
                while valueStart < contentEnd, bytes[valueStart] == UInt8(ascii: " ") || bytes[valueStart] == UInt8(ascii: "\t") {
                    valueStart += 1
                }
                let valueEnd = min(contentEnd, valueStart + valueLimit)
                fields.append(HeaderField(name: name, rawValue: Array(bytes[valueStart..<valueEnd])))
            } else if fields.isEmpty {
                return nil
            }
            // Other junk lines inside a header are ignored, as mail clients do.
            index = lineEnd
        }
        return fields.isEmpty ? nil : HeaderFields(fields)
    }

    /// Whether the bytes start with a header field (after any stray continuation lines), as `parse`
    /// decides it, reading no further than the first field's name.
    static func startsWithField(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
            index = bytes.endOfLine(from: index)
        }
        guard index < bytes.count else { return false }
        return fieldNameEnd(bytes, from: index, to: bytes.count) != nil
    }

    /// The index of the colon ending a field name that starts at `start`, or nil when the line does
    /// not start with a field name.
    private static func fieldNameEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end, bytes[index].isHeaderNameByte { index += 1 }
        return index > start && index < end && bytes[index] == UInt8(ascii: ":") ? index : nil
    }
}

extension UInt8 {
    /// Printable US-ASCII except colon (RFC 5322 ftext).
    var isHeaderNameByte: Bool { self >= 33 && self <= 126 && self != UInt8(ascii: ":") }
}

extension UnsafeRawBufferPointer {
    /// The index just past the next LF (or the end).
    func endOfLine(from start: Int) -> Int {
        guard start < count, let base = baseAddress else { return count }
        guard let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), count - start) else { return count }
        return UnsafeRawPointer(newline) - base + 1
    }

    /// The end of a line's content, without its CR/LF.
    func trimmingLineBreak(start: Int, end: Int) -> Int {
        var contentEnd = end
        while contentEnd > start, self[contentEnd - 1] == UInt8(ascii: "\n") || self[contentEnd - 1] == UInt8(ascii: "\r") {
            contentEnd -= 1
        }
        return contentEnd
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Byte by byte while both are ASCII (header names always are), folding A-Z as lowercased() does; a
        // difference there is one after lower-casing too. Anything else is lower-cased whole.
        for (mine, theirs) in zip(utf8, other.utf8) {
            guard mine < 0x80, theirs < 0x80 else { return lowercased() == other.lowercased() }
            if mine.asciiLowercased != theirs.asciiLowercased { return false }
        }
        return true
    }

    /// The string without leading and trailing spaces, tabs and line breaks.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
