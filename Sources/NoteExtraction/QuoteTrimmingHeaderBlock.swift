/// Whether a block of history is a reply's quoted past (cut) or a forwarded message (kept).
enum HistoryKind {
    case reply
    case forward
}

/// A field line of the header block clients write above history: "From: …", "Gesendet: …", "Objet : …",
/// also with Outlook's bold kept as "*From:*" or "**From:**".
struct HistoryHeaderField {
    enum Name {
        case from, sent, to, cc, subject, replyTo
    }

    let name: Name
    let value: Substring

    init?(_ line: ReplyLine) {
        guard let field = line.headerField else { return nil }
        name = field.name
        let bytes = line.text.utf8
        value = line.text[bytes.index(bytes.startIndex, offsetBy: Int(field.valueStart))...].drop { $0.isWhitespace || $0 == "*" }
    }

    /// The field name a line's UTF-8 starts with and where its value starts, when it is a field line. Read
    /// as bytes: the first byte that is not a space is the name's first byte unless it is bold's "*", so
    /// most lines are ruled out by it before their colon is looked for.
    static func nameAndValueStart(_ bytes: UnsafeBufferPointer<UInt8>) -> (name: Name, valueStart: UInt16)? {
        guard let first = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }),
              bytes[first] == UInt8(ascii: "*") || opensAName(bytes[first]),
              let located = locateKey(bytes), located.key.count <= longestNameBytes,
              let name = names[lowercasedBytes(UnsafeBufferPointer(rebasing: bytes[located.key]))]
        else { return nil }
        // `locateKey` reads at most 2,000 bytes.
        return (name, UInt16(located.valueStart))
    }

    private static func isPadding(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "\r")
    }

    /// Where in the line's bytes the field name is (without padding, nor the (narrow) no-break space French
    /// Outlook puts before the colon) and where the value starts, after the colon or full-width colon; nil when
    /// no field name can start the line or no colon follows soon enough.
    private static func locateKey(_ bytes: UnsafeBufferPointer<UInt8>) -> (key: Range<Int>, valueStart: Int)? {
        guard bytes.count <= 2000, let keyStart = bytes.firstIndex(where: { !isPadding($0) }),
              opensAName(bytes[keyStart])
        else { return nil }
        var index = keyStart
        var colon: (start: Int, end: Int)?
        for _ in 0..<(longestNameBytes + 8) where index < bytes.count {
            if bytes[index] == UInt8(ascii: ":") {
                colon = (index, index + 1)
                break
            }
            // U+FF1A FULLWIDTH COLON: EF BC 9A.
            if bytes[index] == 0xEF, bytes[(index + 1)...].starts(with: [0xBC, 0x9A]) {
                colon = (index, index + 3)
                break
            }
            index += 1
        }
        guard let colon else { return nil }
        // No-break space C2 A0, narrow no-break space E2 80 AF.
        var keyEnd = colon.start
        while keyEnd > keyStart {
            if isPadding(bytes[keyEnd - 1]) {
                keyEnd -= 1
            } else if bytes[keyEnd - 1] == 0xA0, keyEnd - 2 >= keyStart, bytes[keyEnd - 2] == 0xC2 {
                keyEnd -= 2
            } else if bytes[keyEnd - 1] == 0xAF, keyEnd - 3 >= keyStart, bytes[keyEnd - 2] == 0x80, bytes[keyEnd - 3] == 0xE2 {
                keyEnd -= 3
            } else {
                break
            }
        }
        guard keyEnd - keyStart <= longestNameBytes else { return nil }
        // An ASCII key is a name only if a name has its length and, folded to lower case, its first and last byte.
        if bytes[keyStart..<keyEnd].allSatisfy({ $0 < 0x80 }), keyEnd > keyStart,
           !hasNameShape(length: keyEnd - keyStart, first: lowercased(bytes[keyStart]), last: lowercased(bytes[keyEnd - 1])) {
            return nil
        }
        return (keyStart..<keyEnd, colon.end)
    }

    /// Whether a name can start with the byte (ASCII letters in either case).
    private static func opensAName(_ byte: UInt8) -> Bool {
        nameFirstBytes[Int(byte | (byte < 0x80 ? 0x20 : 0))]
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Whether a name of that length in bytes starts and ends with those ASCII bytes (lengths under 64).
    private static func hasNameShape(length: Int, first: UInt8, last: UInt8) -> Bool {
        length < 64 && nameLengthsByEnds[Int(first) << 7 | Int(last)] >> UInt64(length) & 1 != 0
    }

    /// The lengths in bytes of the names that start and end with ASCII bytes, as bits, by their first and
    /// last byte (a table of 128 x 128): looked up for every line whose key is ASCII, without hashing.
    private static let nameLengthsByEnds: [UInt64] = names.keys.reduce(into: [UInt64](repeating: 0, count: 128 * 128)) { table, name in
        guard let first = name.first, let last = name.last, first < 0x80, last < 0x80, name.count < 64 else { return }
        table[Int(first) << 7 | Int(last)] |= 1 << UInt64(name.count)
    }

    /// The field names Outlook (and Yahoo, AOL, Thunderbird) write, by language, lower-cased.
    struct Language {
        let name: String
        let from: [String]
        let sent: [String]
        let to: [String]
        let cc: [String]
        let subject: [String]
        var replyTo: [String] = []
    }

    static let languages = [
        Language(name: "English", from: ["from"], sent: ["sent", "date"], to: ["to"], cc: ["cc", "bcc"],
                 subject: ["subject"], replyTo: ["reply-to", "reply to"]),
        Language(name: "German", from: ["von"], sent: ["gesendet", "datum"], to: ["an"], cc: ["kopie"],
                 subject: ["betreff"], replyTo: ["antwort an"]),
        Language(name: "French", from: ["de"], sent: ["envoyé", "date"], to: ["à", "a"], cc: ["cc"],
                 subject: ["objet"], replyTo: ["répondre à"]),
        Language(name: "Spanish", from: ["de"], sent: ["enviado", "enviado el", "fecha"], to: ["para"], cc: ["cc"],
                 subject: ["asunto"], replyTo: ["responder a"]),
        Language(name: "Portuguese", from: ["de"], sent: ["enviado", "enviada", "data"], to: ["para"], cc: ["cc"],
                 subject: ["assunto"]),
        Language(name: "Italian", from: ["da"], sent: ["inviato", "data"], to: ["a"], cc: ["cc"],
                 subject: ["oggetto"], replyTo: ["rispondi a"]),
        Language(name: "Dutch", from: ["van"], sent: ["verzonden", "datum"], to: ["aan"], cc: ["cc"],
                 subject: ["onderwerp"], replyTo: ["beantwoorden"]),
        Language(name: "Russian", from: ["от"], sent: ["отправлено", "дата"], to: ["кому"], cc: ["копия"],
                 subject: ["тема"]),
        Language(name: "Swedish", from: ["från"], sent: ["skickat", "datum"], to: ["till"], cc: ["kopia"],
                 subject: ["ämne"]),
        Language(name: "Danish, Norwegian", from: ["fra"], sent: ["sendt", "dato"], to: ["til"], cc: ["kopi"],
                 subject: ["emne"]),
        Language(name: "Finnish", from: ["lähettäjä"], sent: ["lähetetty", "päivämäärä"], to: ["vastaanottaja"],
                 cc: ["kopio"], subject: ["aihe"]),
        Language(name: "Polish", from: ["od"], sent: ["wysłano", "data"], to: ["do"], cc: ["dw", "kopia"],
                 subject: ["temat"]),
        Language(name: "Czech", from: ["od"], sent: ["odesláno", "datum"], to: ["komu"], cc: ["kopie"],
                 subject: ["předmět"]),
        Language(name: "Turkish", from: ["kimden"], sent: ["gönderildi", "tarih"], to: ["kime"], cc: ["bilgi"],
                 subject: ["konu"]),
        Language(name: "Japanese", from: ["差出人"], sent: ["送信日時", "日付"], to: ["宛先"], cc: ["cc"],
                 subject: ["件名"]),
        Language(name: "Chinese (simplified)", from: ["发件人"], sent: ["发送时间", "日期"], to: ["收件人"],
                 cc: ["抄送"], subject: ["主题"]),
        Language(name: "Chinese (traditional)", from: ["寄件者"], sent: ["寄件日期", "日期"], to: ["收件者"],
                 cc: ["副本"], subject: ["主旨"]),
        Language(name: "Korean", from: ["보낸 사람"], sent: ["보낸 날짜"], to: ["받는 사람"], cc: ["참조"],
                 subject: ["제목"]),
    ]

    /// The key as lower-case UTF-8: ASCII is lower-cased byte by byte, other scripts through `lowercased()`.
    private static func lowercasedBytes(_ key: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if key.allSatisfy({ $0 < 0x80 }) {
            return key.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
        }
        return Array(String(decoding: key, as: UTF8.self).lowercased().utf8)
    }

    /// Looked up by bytes: hashing bytes is much cheaper than hashing a `String`.
    private static let names: [[UInt8]: Name] = namesByText.reduce(into: [:]) { $0[Array($1.key.utf8)] = $1.value }

    private static let namesByText: [String: Name] = {
        var names: [String: Name] = [:]
        for language in languages {
            for (fieldNames, name) in [(language.from, Name.from), (language.sent, .sent), (language.to, .to),
                                       (language.cc, .cc), (language.subject, .subject), (language.replyTo, .replyTo)] {
                for fieldName in fieldNames where names[fieldName] == nil {
                    names[fieldName] = name
                }
            }
        }
        return names
    }()

    /// The first byte of every name, ASCII letters in lower case ("https:" is ruled out by its "h"), as a
    /// table by byte value (looked up for every line with an early colon).
    private static let nameFirstBytes: [Bool] = {
        let bytes = Set(namesByText.keys.flatMap { name -> [UInt8] in
            [name.utf8.first!, (name.prefix(1).uppercased() + name.dropFirst()).utf8.first!].map { $0 | ($0 < 0x80 ? 0x20 : 0) }
        })
        return (0...255).map { bytes.contains(UInt8($0)) }
    }()

    private static let longestNameBytes = names.keys.map(\.count).max() ?? 0
}

/// A run of header field lines, as Outlook, Yahoo, AOL and Thunderbird write above history.
struct HistoryHeaderBlock {
    /// The line after the block.
    let end: Int
    let firstField: HistoryHeaderField.Name
    let subject: Substring?
    private let names: Set<HistoryHeaderField.Name>

    /// The block that starts at `start`, or nil if that line is no header field. Inside the block a field's
    /// value may go on on an indented line or on one unindented line before the next field (Outlook wraps
    /// "From: Name" and "<address>"), and one blank line may stand between fields (as converted HTML has).
    init?(_ lines: [ReplyLine], startingAt start: Int) {
        guard start < lines.count, let first = HistoryHeaderField(lines[start]) else { return nil }
        var names: Set = [first.name]
        var subject = first.name == .subject ? first.value : nil
        var end = start + 1
        var wrappedValue = false
        while end < lines.count {
            if let field = HistoryHeaderField(lines[end]) {
                names.insert(field.name)
                if field.name == .subject, subject == nil {
                    subject = field.value
                }
                wrappedValue = false
            } else if lines[end].isContinuation {
                wrappedValue = false
            } else if end + 1 < lines.count, HistoryHeaderField(lines[end + 1]) != nil,
                      lines[end].isBlank || !wrappedValue {
                wrappedValue = !lines[end].isBlank
            } else {
                break
            }
            end += 1
        }
        self.end = end
        firstField = first.name
        self.subject = subject
        self.names = names
    }

    /// A sender and at least two of date, recipient and subject: what mail clients write, and more than
    /// a person typing "From: the warehouse" would.
    var isComplete: Bool {
        names.contains(.from) && [.sent, .to, .subject].filter(names.contains).count >= 2
    }

    /// A reply unless the subject is a forward's ("FW:", "Fwd:", "WG:", "TR:", "RV:", "Doorst:", "ENC:",
    /// "VS:", "VB:", "PD:", "转发:"), or the block follows an "Original Message" line and starts with the
    /// subject, as Thunderbird writes inline forwards.
    func kind(afterOriginalMessageLine: Bool) -> HistoryKind {
        if afterOriginalMessageLine, firstField == .subject {
            return .forward
        }
        guard let subject, let colon = subject.prefix(8).firstIndex(where: { $0 == ":" || $0 == "：" })
        else { return .reply }
        let prefix = subject[..<colon].filter { !$0.isWhitespace }.lowercased()
        return Self.forwardPrefixes.contains(prefix) ? .forward : .reply
    }

    private static let forwardPrefixes: Set = [
        "fw", "fwd", "wg", "tr", "rv", "doorst", "enc", "vs", "vb", "vl", "pd", "i", "转发", "轉寄", "пересл",
    ]
}
