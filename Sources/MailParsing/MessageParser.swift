import CEtPan

/// Why bytes could not be read as a message at all, or why reading them was refused.
public struct MessageParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    /// True when the message was refused because it is over its `MessageBudget` (too deep, too many
    /// parts or header fields), not because it is broken: the skip reason is `too-complex`.
    public let isBudgetExceeded: Bool

    init(_ description: String, isBudgetExceeded: Bool = false) {
        self.description = description
        self.isBudgetExceeded = isBudgetExceeded
    }

    static func overBudget(_ description: String) -> MessageParseError {
        MessageParseError(description, isBudgetExceeded: true)
    }

    static let empty = MessageParseError("the message is empty (0 bytes)")
    static let noHeader = MessageParseError(
        "the data does not start with RFC 5322 header fields (not an email message; binary file?)")
    static func mime(code: Int32) -> MessageParseError {
        MessageParseError("libetpan could not parse the MIME structure (error \(code))")
    }
}

/// Parses RFC 5322 / MIME bytes into a `ParsedMessage` with libetpan. Text parts are decoded
/// (transfer encoding now; charset when their `text` is read); other parts keep only their size.
/// Every message is held to a `MessageBudget`: its structure is measured before libetpan sees it,
/// and libetpan runs on a thread whose stack holds the deepest recursion the bytes allow.
public struct MessageParser: Sendable {
    public var budget: MessageBudget

    /// How deep multiparts and embedded messages may nest before the message is refused.
    public var maximumDepth: Int {
        get { budget.maximumDepth }
        set { budget.maximumDepth = newValue }
    }

    public init(maximumDepth: Int = 32) {
        self.budget = MessageBudget(maximumDepth: maximumDepth)
    }

    public init(budget: MessageBudget) {
        self.budget = budget
    }

    public func parse(_ bytes: [UInt8]) throws(MessageParseError) -> ParsedMessage {
        let bound = try bytes.withUnsafeBytes { whole in
            Result { () throws(MessageParseError) in
                let raw = Self.skippingMboxSeparator(whole)
                guard !raw.isEmpty else { throw .empty }
                guard HeaderFields.startsWithField(raw) else { throw .noHeader }
                try MIMEStructureScan.check(raw, budget: budget)
                return RecursionBound.measure(raw, stoppingAfterWords: budget.maximumStructureDeclarations)
            }
        }.get()
        guard bound.structureWords <= budget.maximumStructureDeclarations else {
            throw .tooManyDeclarations(limit: budget.maximumStructureDeclarations)
        }
        guard bound.commentDepth <= budget.maximumCommentDepth else {
            throw .commentsTooDeep(limit: budget.maximumCommentDepth)
        }
        return try ParsingThread.run(recursion: bound) { [self] in
            Result { () throws(MessageParseError) in try parseOnThisThread(bytes) }
        }.get()
    }

    /// Parses on the calling thread, whose stack must hold libetpan's recursion: only for bytes
    /// whose structure `parse` has checked.
    func parseOnThisThread(_ bytes: [UInt8]) throws(MessageParseError) -> ParsedMessage {
        let result: Result<ParsedMessage, MessageParseError> = bytes.withUnsafeBytes { whole in
            let raw = Self.skippingMboxSeparator(whole)
            return Result { () throws(MessageParseError) in
                guard let headers = HeaderFields.parse(raw, valueLimit: budget.maximumHeaderValueBytes) else {
                    throw .noHeader
                }
                var index = 0
                var root: UnsafeMutablePointer<mailmime>?
                let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                let code = mailmime_parse(base, raw.count, &index, &root)
                guard code == Int32(MAILIMF_NO_ERROR), let root else { throw .mime(code: code) }
                defer { mailmime_free(root) }
                var converter = MIMEConverter(budget: budget, messageBytes: raw.count)
                return try converter.message(root, headers: headers, depth: 0)
            }
        }
        return try result.get()
    }

    /// Messages saved from an mbox file start with a `From sender date` line that is not a header.
    private static func skippingMboxSeparator(_ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard raw.count > 5, raw.starts(with: "From ".utf8) else { return raw }
        return UnsafeRawBufferPointer(rebasing: raw[raw.endOfLine(from: 0)...])
    }
}

/// The border with libetpan: walks its `mailmime` tree and copies what notegate needs into Swift values.
struct MIMEConverter {
    let budget: MessageBudget
    /// What is left of the text budget for the text parts still to come.
    private var textBytesLeft: Int
    /// How many bytes of unclosed multiparts may still be parsed again: together never more than the message holds.
    private var reparseBytesLeft: Int

    init(budget: MessageBudget, messageBytes: Int) {
        self.budget = budget
        self.textBytesLeft = budget.maximumTextBytes
        self.reparseBytesLeft = messageBytes
    }

    mutating func message(_ node: UnsafeMutablePointer<mailmime>, headers: HeaderFields,
                          depth: Int) throws(MessageParseError) -> ParsedMessage {
        let body: MIMEPart
        if let inner = node.pointee.mm_data.mm_message.mm_msg_mime {
            body = try part(inner, depth: depth + 1)
        } else {
            body = MIMEPart(contentType: .textPlain, disposition: nil, filename: nil,
                            content: .text(TextBody(bytes: [], charset: nil)), size: 0)
        }
        return ParsedMessage(headers: headers, body: body)
    }

    mutating func part(_ node: UnsafeMutablePointer<mailmime>, depth: Int) throws(MessageParseError) -> MIMEPart {
        guard depth <= budget.maximumDepth else { throw .tooDeep(limit: budget.maximumDepth) }
        var single = mailmime_single_fields()
        mailmime_single_fields_init(&single, node.pointee.mm_mime_fields, node.pointee.mm_content_type)
        let parameters = MIMEParameters(node.pointee.mm_content_type, disposition: single.fld_disposition)
        let contentType = Self.contentType(node.pointee.mm_content_type, parameters: parameters.contentType)
        let disposition = Self.disposition(single.fld_disposition)
        let filename = parameters.disposition["filename"] ?? parameters.contentType["name"]
        let bodyBytes = Self.bytes(of: node.pointee.mm_body)

        switch Int(node.pointee.mm_type) {
        case MAILMIME_MULTIPLE:
            var children: [MIMEPart] = []
            for child in EtPanList<mailmime>(node.pointee.mm_data.mm_multipart.mm_mp_list) {
                children.append(try part(child, depth: depth + 1))
            }
            if children.isEmpty, let bodyBytes,
               let parts = try partsOfUnclosedMultipart(bodyBytes, contentType: contentType, depth: depth) {
                children = parts
            }
            return MIMEPart(contentType: contentType, disposition: disposition, filename: filename,
                            content: .multipart(children), size: bodyBytes?.count ?? 0)

        case MAILMIME_MESSAGE:
            if let bodyBytes, let headers = HeaderFields.parse(bodyBytes, valueLimit: budget.maximumHeaderValueBytes) {
                let embedded = try message(node, headers: headers, depth: depth)
                return MIMEPart(contentType: contentType, disposition: disposition, filename: filename,
                                content: .message(embedded), size: bodyBytes.count)
            }
            return opaquePart(node, contentType, disposition, filename, bodyBytes, parameters)

        default:
            // A multipart without a boundary cannot be split into parts (libetpan leaves it one part): its body
            // is read as text/plain, as Python's email package reads it.
            let contentType = contentType.type == "multipart"
                ? ContentType(type: "text", subtype: "plain", parameters: contentType.parameters) : contentType
            let isBodyText = contentType.type == "text"
                && (contentType.subtype == "plain" || contentType.subtype == "html")
                && disposition != .attachment
            guard isBodyText, let data = node.pointee.mm_body, let bodyBytes else {
                return opaquePart(node, contentType, disposition, filename, bodyBytes, parameters)
            }
            let encoding = Int(data.pointee.dt_encoding)
            let decoded = Self.decodeTransferEncoding(bodyBytes, encoding: encoding, upTo: textBytesLeft)
            textBytesLeft -= decoded.bytes.count
            let flowed = contentType.parameters["format"]?.lowercased() == "flowed"
            var text = TextBody(bytes: decoded.bytes, charset: contentType.charset, isFlowed: flowed,
                                deletesSpace: flowed && contentType.parameters["delsp"]?.lowercased() == "yes")
            text.isTruncated = decoded.isTruncated
            let size = decoded.isTruncated ? DecodedSize.estimate(bodyBytes, encoding: encoding) : decoded.bytes.count
            return MIMEPart(contentType: contentType, disposition: disposition, filename: filename,
                            content: .text(text), size: size)
        }
    }

    /// The parts of a multipart whose last part ends with a delimiter line (`--boundary`) and no closing
    /// delimiter (`--boundary--`) after it: libetpan then finds no part at all. Read again with that last
    /// delimiter closed, the parts are exactly those the delimiters mark; nil when the body does not end
    /// that way (a cut-off part is not guessed at) or holds no part even so. Each part is held to the same
    /// depth, part and text budget; the bytes parsed again never add up to more than the message holds.
    private mutating func partsOfUnclosedMultipart(_ body: UnsafeRawBufferPointer, contentType: ContentType,
                                                   depth: Int) throws(MessageParseError) -> [MIMEPart]? {
        guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty,
              boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }),
              body.count <= reparseBytesLeft else { return nil }
        var end = body.count
        while end > 0, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains(body[end - 1]) {
            end -= 1
        }
        let lastDelimiter = Array("\n--\(boundary)".utf8)
        guard end >= lastDelimiter.count,
              body[(end - lastDelimiter.count)..<end].elementsEqual(lastDelimiter) else { return nil }
        reparseBytesLeft -= body.count

        let isToken = contentType.subtype.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || "-+._".utf8.contains(byte)
        }
        let subtype = isToken ? contentType.subtype : "mixed"
        let closed = Array("Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"\r\n\r\n".utf8)
            + body[..<end] + Array("--\r\n".utf8)
        let parsed = closed.withUnsafeBytes { raw in
            Result { () throws(MessageParseError) -> [MIMEPart]? in
                var index = 0
                var root: UnsafeMutablePointer<mailmime>?
                let code = mailmime_parse(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count, &index, &root)
                guard code == Int32(MAILIMF_NO_ERROR), let root else { return nil }
                defer { mailmime_free(root) }
                guard let multipart = root.pointee.mm_data.mm_message.mm_msg_mime,
                      Int(multipart.pointee.mm_type) == MAILMIME_MULTIPLE else { return nil }
                var parts: [MIMEPart] = []
                for child in EtPanList<mailmime>(multipart.pointee.mm_data.mm_multipart.mm_mp_list) {
                    parts.append(try part(child, depth: depth + 1))
                }
                return parts.isEmpty ? nil : parts
            }
        }
        return try parsed.get()
    }

    private func opaquePart(_ node: UnsafeMutablePointer<mailmime>, _ contentType: ContentType,
                            _ disposition: Disposition?, _ filename: String?,
                            _ bodyBytes: UnsafeRawBufferPointer?, _ parameters: MIMEParameters) -> MIMEPart {
        let encoding = node.pointee.mm_body.map { Int($0.pointee.dt_encoding) } ?? MAILMIME_MECHANISM_8BIT
        let encodedSize = bodyBytes.map { DecodedSize.estimate($0, encoding: encoding) } ?? 0
        if encodedSize == 0, let omitted = Self.omittedSize(node, parameters: parameters) {
            return MIMEPart(contentType: contentType, disposition: disposition, filename: filename,
                            content: .opaque, size: omitted, isOmitted: true)
        }
        return MIMEPart(contentType: contentType, disposition: disposition, filename: filename,
                        content: .opaque, size: encodedSize)
    }

    /// The size the IMAP source recorded for a part it did not download: `X-Notegate-Omitted-Size`
    /// in the part header, or the RFC 2183 `size` parameter of Content-Disposition.
    private static func omittedSize(_ node: UnsafeMutablePointer<mailmime>, parameters: MIMEParameters) -> Int? {
        if let start = node.pointee.mm_mime_start, node.pointee.mm_length > 0,
           let headers = HeaderFields.parse(UnsafeRawBufferPointer(start: start, count: node.pointee.mm_length)),
           let value = headers.value("X-Notegate-Omitted-Size"), let size = Int(value) {
            return size
        }
        return parameters.disposition["size"].flatMap { Int($0) }
    }

    private static func bytes(of data: UnsafeMutablePointer<mailmime_data>?) -> UnsafeRawBufferPointer? {
        guard let data, Int(data.pointee.dt_type) == MAILMIME_DATA_TEXT,
              let start = data.pointee.dt_data.dt_text.dt_data else { return nil }
        return UnsafeRawBufferPointer(start: start, count: data.pointee.dt_data.dt_text.dt_length)
    }

    /// Decodes at most `limit` bytes of text: only a prefix of the body that is sure to hold them is
    /// decoded (quoted-printable and base64 never decode to more than they are long, nor to less
    /// than a third), so the bytes past the text budget are never touched.
    private static func decodeTransferEncoding(_ body: UnsafeRawBufferPointer, encoding: Int,
                                               upTo limit: Int) -> (bytes: [UInt8], isTruncated: Bool) {
        let limit = max(0, limit)
        let isEncoded = encoding == MAILMIME_MECHANISM_BASE64 || encoding == MAILMIME_MECHANISM_QUOTED_PRINTABLE
        let prefixLength = isEncoded ? min(body.count, limit.multipliedReportingOverflow(by: 3).partialValue) : min(body.count, limit)
        let prefix = UnsafeRawBufferPointer(rebasing: body[0..<prefixLength])
        var decoded: [UInt8]
        if isEncoded, let base = prefix.baseAddress {
            var index = 0
            var result: UnsafeMutablePointer<CChar>?
            var length = 0
            let code = mailmime_part_parse(base.assumingMemoryBound(to: CChar.self), prefix.count, &index,
                                           Int32(encoding), &result, &length)
            if code == Int32(MAILIMF_NO_ERROR), let result {
                decoded = Array(UnsafeRawBufferPointer(start: result, count: length))
                mmap_string_unref(result)
            } else {
                decoded = Array(prefix)
            }
        } else {
            decoded = Array(prefix)
        }
        let isTruncated = decoded.count > limit || prefixLength < body.count
        if decoded.count > limit { decoded.removeSubrange(limit...) }
        return (decoded, isTruncated)
    }

    private static func contentType(_ content: UnsafeMutablePointer<mailmime_content>?,
                                    parameters: [String: String]) -> ContentType {
        guard let content, let type = content.pointee.ct_type else {
            return ContentType(type: "text", subtype: "plain", parameters: parameters)
        }
        let subtype = content.pointee.ct_subtype.map { String(cString: $0) } ?? "plain"
        let name: String
        switch Int(type.pointee.tp_type) {
        case MAILMIME_TYPE_DISCRETE_TYPE:
            let discrete = type.pointee.tp_data.tp_discrete_type!.pointee
            switch Int(discrete.dt_type) {
            case MAILMIME_DISCRETE_TYPE_TEXT: name = "text"
            case MAILMIME_DISCRETE_TYPE_IMAGE: name = "image"
            case MAILMIME_DISCRETE_TYPE_AUDIO: name = "audio"
            case MAILMIME_DISCRETE_TYPE_VIDEO: name = "video"
            case MAILMIME_DISCRETE_TYPE_APPLICATION: name = "application"
            default: name = discrete.dt_extension.map { String(cString: $0) } ?? "application"
            }
        case MAILMIME_TYPE_COMPOSITE_TYPE:
            let composite = type.pointee.tp_data.tp_composite_type!.pointee
            switch Int(composite.ct_type) {
            case MAILMIME_COMPOSITE_TYPE_MESSAGE: name = "message"
            case MAILMIME_COMPOSITE_TYPE_MULTIPART: name = "multipart"
            default: name = composite.ct_token.map { String(cString: $0) } ?? "multipart"
            }
        default:
            name = "application"
        }
        // libetpan names the subtype `unknown` when the header gives none (`Content-Type: text`): read as
        // text/plain, as RFC 2045 5.2 reads an invalid content type.
        if name == "text", subtype.lowercased() == "unknown" {
            return ContentType(type: "text", subtype: "plain", parameters: parameters)
        }
        return ContentType(type: name, subtype: subtype, parameters: parameters)
    }

    private static func disposition(_ disposition: UnsafeMutablePointer<mailmime_disposition>?) -> Disposition? {
        guard let type = disposition?.pointee.dsp_type else { return nil }
        switch Int(type.pointee.dsp_type) {
        case MAILMIME_DISPOSITION_TYPE_INLINE: return .inline
        case MAILMIME_DISPOSITION_TYPE_ATTACHMENT: return .attachment
        default: return .other(type.pointee.dsp_extension.map { String(cString: $0).lowercased() } ?? "")
        }
    }
}

/// A Swift sequence over a libetpan `clist` whose elements are pointers to `Element`.
struct EtPanList<Element>: Sequence, IteratorProtocol {
    private var cursor: UnsafeMutablePointer<clistcell>?

    init(_ list: UnsafeMutablePointer<clist>?) {
        cursor = cetpan_clist_begin(list)
    }

    mutating func next() -> UnsafeMutablePointer<Element>? {
        while let cell = cursor {
            cursor = cetpan_clist_next(cell)
            if let content = cetpan_clist_content(cell) { return content.assumingMemoryBound(to: Element.self) }
        }
        return nil
    }
}

/// How big a body is once decoded, without decoding it.
enum DecodedSize {
    private typealias Chunk = SIMD16<UInt8>

    static func estimate(_ body: UnsafeRawBufferPointer, encoding: Int) -> Int {
        guard encoding == MAILMIME_MECHANISM_BASE64 else { return body.count }
        var ignored = 0
        var padding = 0
        var index = 0
        // Sixteen bytes at a time, counted in vector lanes that are added up before one can overflow.
        while index + Chunk.scalarCount <= body.count {
            var ignoredLanes = Chunk()
            var paddingLanes = Chunk()
            var rounds = 0
            while rounds < 255, index + Chunk.scalarCount <= body.count {
                let bytes = body.loadUnaligned(fromByteOffset: index, as: Chunk.self)
                let space = bytes .== Chunk(repeating: UInt8(ascii: "\r")) .| bytes .== Chunk(repeating: UInt8(ascii: "\n"))
                    .| bytes .== Chunk(repeating: UInt8(ascii: " ")) .| bytes .== Chunk(repeating: UInt8(ascii: "\t"))
                ignoredLanes &+= Chunk(repeating: 0).replacing(with: 1, where: space)
                paddingLanes &+= Chunk(repeating: 0).replacing(with: 1, where: bytes .== Chunk(repeating: UInt8(ascii: "=")))
                index += Chunk.scalarCount
                rounds += 1
            }
            ignored += Int(SIMD16<UInt16>(truncatingIfNeeded: ignoredLanes).wrappedSum())
            padding += Int(SIMD16<UInt16>(truncatingIfNeeded: paddingLanes).wrappedSum())
        }
        for byte in body[index...] {
            switch byte {
            case UInt8(ascii: "="): padding += 1
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: " "), UInt8(ascii: "\t"): ignored += 1
            default: continue
            }
        }
        let symbols = body.count - ignored - padding
        return max(0, (symbols + padding) / 4 * 3 - padding)
    }
}
