/// Measures a message's MIME structure from the raw bytes, line by line and without recursion,
/// before libetpan sees them: how deep multiparts and embedded messages nest, how many parts there
/// are, and how many header fields and header bytes there are. It follows libetpan's own rules for
/// finding delimiters and errs on the deep side where a rule is unclear, so a message that passes
/// cannot lead libetpan's recursive parser deeper than the budget.
struct MIMEStructureScan {
    private let budget: MessageBudget

    /// An open multipart (with its boundary) or embedded message (without one).
    private struct Level {
        let boundary: [UInt8]?
        let isDigest: Bool
        var hasDelimiter = false
    }

    private var levels: [Level] = [] {
        didSet { multipartLevels = levels.count(where: { $0.boundary != nil }) }
    }
    private var multipartLevels = 0
    /// The bytes libetpan's multipart parsers will search for their delimiters: each open multipart
    /// searches every line of its body.
    private var delimiterSearchBytes = 0
    private var isInHeader = true
    /// The header being read is a part's (after a delimiter), not a message's: only libetpan reads it.
    /// A message's header is also read by `HeaderFields.parse`, which goes on past junk lines.
    private var isPartHeader = false
    /// The header being read belongs to a part of a `multipart/digest`, whose default type is message/rfc822.
    private var headerDefaultsToMessage = false
    private var contentType: [UInt8]?
    private var isReadingContentType = false
    private var headerBlockBytes = 0
    private var headerBytes = 0
    private var headerFields = 0
    private var parts = 0

    private init(budget: MessageBudget) {
        self.budget = budget
    }

    /// Throws the budget that the message's structure is over, if any.
    static func check(_ raw: UnsafeRawBufferPointer, budget: MessageBudget) throws(MessageParseError) {
        var scan = MIMEStructureScan(budget: budget)
        var index = 0
        while index < raw.count {
            let lineEnd = raw.endOfLine(from: index)
            let contentEnd = raw.trimmingLineBreak(start: index, end: lineEnd)
            try scan.read(UnsafeRawBufferPointer(rebasing: raw[index..<contentEnd]), length: lineEnd - index)
            index = lineEnd
        }
    }

    private mutating func read(_ line: UnsafeRawBufferPointer, length: Int) throws(MessageParseError) {
        delimiterSearchBytes += length * multipartLevels
        guard delimiterSearchBytes <= budget.maximumDelimiterSearchBytes else {
            throw .tooMuchDelimiterSearch(limit: budget.maximumDelimiterSearchBytes)
        }
        if line.count >= 2, line[0] == UInt8(ascii: "-"), line[1] == UInt8(ascii: "-") {
            switch delimiter(line) {
            case .part(let level):
                levels.removeSubrange((level + 1)...)
                levels[level].hasDelimiter = true
                parts += 1
                guard parts <= budget.maximumParts else { throw .tooManyParts(limit: budget.maximumParts) }
                startHeader(defaultsToMessage: levels[level].isDigest, isPartHeader: true)
                return
            case .close:
                // libetpan ends a multipart at its close delimiter only when no part delimiter follows,
                // so the levels inside stay open here: at worst they are counted too deep.
                return
            case nil:
                break
            }
        }
        guard isInHeader else { return }
        guard !line.isEmpty else { return try endHeader() }
        headerBlockBytes += length
        headerBytes += length
        guard headerBlockBytes <= budget.maximumHeaderBlockBytes else {
            throw .headerBlockTooLarge(limit: budget.maximumHeaderBlockBytes)
        }
        guard headerBytes <= budget.maximumHeaderBytes else { throw .headersTooLarge(limit: budget.maximumHeaderBytes) }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
            if isReadingContentType { contentType?.append(contentsOf: line) }
            return
        }
        if isPartHeader, Self.fieldValue(line) == nil {
            // libetpan ends a part's header at the first line that is not a field (a part that
            // forgot its empty line), and only libetpan reads part headers.
            headerBlockBytes -= length
            headerBytes -= length
            return try endHeader()
        }
        headerFields += 1
        guard headerFields <= budget.maximumHeaderFields else {
            throw .tooManyHeaderFields(limit: budget.maximumHeaderFields)
        }
        isReadingContentType = false
        if contentType == nil, Self.isContentTypeField(line), let value = Self.fieldValue(line) {
            contentType = Array(value)
            isReadingContentType = true
        }
    }

    private enum Delimiter {
        case part(level: Int)
        case close
    }

    /// libetpan's rules: the first delimiter of a multipart only has to start with `--boundary`;
    /// later ones are `--boundary` followed by spaces only, and `--boundary--` closes. The innermost
    /// matching level wins, which never counts shallower than libetpan (that splits outermost first).
    private func delimiter(_ line: UnsafeRawBufferPointer) -> Delimiter? {
        for level in levels.indices.reversed() {
            guard let boundary = levels[level].boundary, line.count >= boundary.count + 2,
                  line[2..<(2 + boundary.count)].elementsEqual(boundary) else { continue }
            let rest = line[(2 + boundary.count)...]
            if !levels[level].hasDelimiter || rest.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                return .part(level: level)
            }
            if rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) {
                return .close
            }
        }
        return nil
    }

    private mutating func startHeader(defaultsToMessage: Bool, isPartHeader: Bool) {
        isInHeader = true
        self.isPartHeader = isPartHeader
        headerDefaultsToMessage = defaultsToMessage
        contentType = nil
        isReadingContentType = false
        headerBlockBytes = 0
    }

    /// At the empty line after a header: a multipart's body holds delimiters, an embedded message's
    /// body starts with another header, anything else is content.
    private mutating func endHeader() throws(MessageParseError) {
        let declared = contentType.flatMap { ContentTypeShape($0) }
        isInHeader = false
        if let declared, declared.type == "multipart", let boundary = declared.boundary {
            try open(Level(boundary: boundary, isDigest: declared.subtype == "digest"))
        } else if declared.map({ $0.type == "message" && ($0.subtype == "rfc822" || $0.subtype == "global") })
                    ?? headerDefaultsToMessage {
            try open(Level(boundary: nil, isDigest: false))
            startHeader(defaultsToMessage: false, isPartHeader: false)
        }
    }

    private mutating func open(_ level: Level) throws(MessageParseError) {
        levels.append(level)
        // The message itself is the first level.
        guard levels.count + 1 <= budget.maximumDepth else { throw .tooDeep(limit: budget.maximumDepth) }
    }

    private static func isContentTypeField(_ line: UnsafeRawBufferPointer) -> Bool {
        let name = "content-type".utf8
        return line.count > name.count && zip(line, name).allSatisfy({ $0.asciiLowercased == $1 })
            && !line[name.count].isHeaderNameByte
    }

    /// The value of a header field line, which libetpan also reads with spaces or comments between
    /// the name and the colon; nil when the line is not a field.
    private static func fieldValue(_ line: UnsafeRawBufferPointer) -> Slice<UnsafeRawBufferPointer>? {
        var index = 0
        while index < line.count, line[index].isHeaderNameByte { index += 1 }
        guard index > 0 else { return nil }
        var commentDepth = 0
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: ":"), commentDepth == 0 { return line[(index + 1)...] }
            switch byte {
            case UInt8(ascii: "("): commentDepth += 1
            case UInt8(ascii: ")"): commentDepth = max(0, commentDepth - 1)
            case UInt8(ascii: " "), UInt8(ascii: "\t"): break
            default: if commentDepth == 0 { return nil }
            }
            index += 1
        }
        return nil
    }
}

/// The type, subtype and boundary of a Content-Type value, read leniently: comments and folding
/// anywhere, spaces around `=`, quoted or bare values, any case, and RFC 2231 `boundary*` forms
/// when there is no plain `boundary`.
struct ContentTypeShape {
    var type: String
    var subtype: String
    var boundary: [UInt8]?

    init?(_ value: [UInt8]) {
        var reader = ParameterReader(value)
        guard let type = reader.token(), reader.skip(UInt8(ascii: "/")), let subtype = reader.token() else { return nil }
        self.type = String(decoding: type, as: UTF8.self).lowercased()
        self.subtype = String(decoding: subtype, as: UTF8.self).lowercased()
        var extended: [(section: Int, value: [UInt8], encoded: Bool)] = []
        while reader.skipPast(UInt8(ascii: ";")) {
            guard let name = reader.token(), reader.skip(UInt8(ascii: "=")), let parameter = reader.value() else { continue }
            let lowered = String(decoding: name, as: UTF8.self).lowercased()
            if lowered == "boundary" {
                if boundary == nil { boundary = parameter }
            } else if lowered.hasPrefix("boundary*") {
                let section = lowered.dropFirst("boundary*".count)
                let encoded = section.hasSuffix("*") || section.isEmpty
                extended.append((Int(section.filter(\.isNumber)) ?? 0, parameter, encoded))
            }
        }
        if boundary == nil, !extended.isEmpty {
            boundary = extended.sorted { $0.section < $1.section }.flatMap { part -> [UInt8] in
                var value = part.value[...]
                if part.encoded, part.section == 0, let quote = value.lastIndex(of: UInt8(ascii: "'")) {
                    value = value[(quote + 1)...]
                }
                return part.encoded ? QuotedPrintable.decode(value, underscoreIsSpace: false, escape: UInt8(ascii: "%"))
                    : Array(value)
            }
        }
        if boundary?.isEmpty == true { boundary = nil }
    }
}

/// Reads RFC 2045 tokens and values, skipping whitespace and (nested) comments between them.
private struct ParameterReader {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 32 && byte < 127 && !"()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }

    mutating func skipSpaceAndComments() {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")") where depth > 0: depth -= 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): break
            default: if depth == 0 { return }
            }
            index += 1
        }
    }

    mutating func token() -> ArraySlice<UInt8>? {
        skipSpaceAndComments()
        let start = index
        while index < bytes.count, Self.isTokenByte(bytes[index]) { index += 1 }
        return index > start ? bytes[start..<index] : nil
    }

    mutating func skip(_ byte: UInt8) -> Bool {
        skipSpaceAndComments()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Moves past the next `byte` outside quotes; false at the end.
    mutating func skipPast(_ byte: UInt8) -> Bool {
        var quoted = false
        while index < bytes.count {
            let current = bytes[index]
            index += 1
            if current == UInt8(ascii: "\"") { quoted.toggle() }
            if current == UInt8(ascii: "\\"), quoted { index += 1 }
            if current == byte, !quoted { return true }
        }
        return false
    }

    /// A token, or a quoted string without its quotes and escapes.
    mutating func value() -> [UInt8]? {
        skipSpaceAndComments()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return token().map(Array.init) }
        index += 1
        var value: [UInt8] = []
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
            value.append(bytes[index])
            index += 1
        }
        index += 1
        return value
    }
}

extension UInt8 {
    var asciiLowercased: UInt8 {
        self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") ? self + 32 : self
    }
}
