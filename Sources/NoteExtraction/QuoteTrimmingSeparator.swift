/// A line that introduces history: Outlook's "-----Original Message-----" and its translations, the
/// "________________________________" rule, Gmail's "---------- Forwarded message ---------",
/// Apple Mail's "Begin forwarded message:".
enum HistorySeparator {
    /// "Original Message": a reply or a forward, as the header block after it tells.
    case originalMessage
    /// "Forwarded message" in any of its forms: always a forward.
    case forwardedMessage
    /// A line of underscores: history only when a header block follows.
    case rule

    init?(_ line: ReplyLine) {
        // Every separator starts with "-" or "_" or ends with a colon: other lines are ruled out unread.
        guard line.firstByte == UInt8(ascii: "-") || line.firstByte == UInt8(ascii: "_") || line.endsWithColon,
              line.text.utf8.count <= 200
        else { return nil }
        let text = line.trimmed
        if text.utf8.count >= 10, text.allSatisfy({ $0 == "_" }) {
            self = .rule
        } else if text.hasPrefix("--"), text.hasSuffix("--") {
            let inner = text.drop { $0 == "-" }
            let captionEnd = inner.lastIndex { $0 != "-" }.map(inner.index(after:)) ?? inner.startIndex
            let caption = Self.normalized(inner[..<captionEnd])
            if Self.originalMessageCaptions.contains(caption) {
                self = .originalMessage
            } else if Self.forwardedMessageCaptions.contains(caption) {
                self = .forwardedMessage
            } else {
                return nil
            }
        } else if text.hasSuffix(":"), text.utf8.count <= Self.longestIntroductionBytes + 8,
                  Self.mayBeIntroduction(text),
                  text.utf8.lazy.filter({ $0 == UInt8(ascii: " ") }).count <= 6,
                  Self.forwardIntroductions.contains(Self.normalized(text.dropLast())) {
            self = .forwardedMessage
        } else {
            return nil
        }
    }

    /// False when the text opens with an ASCII letter that, lower-cased, opens no forward introduction (the
    /// normalized text starts with it): most lines ending with a colon are ruled out before they are normalized.
    private static func mayBeIntroduction(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, first < 0x80 else { return true }
        let lowered = first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") ? first + 32 : first
        return introductionFirstBytes.contains(lowered)
    }

    private static let introductionFirstBytes = Set(forwardIntroductions.compactMap(\.utf8.first))

    /// Lower-cased, trimmed, with typographic apostrophes made plain.
    private static func normalized(_ caption: some StringProtocol) -> String {
        // ASCII text by its bytes: its characters are single bytes, and its white space is tab to carriage
        // return and space.
        if caption.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(caption.utf8.count)
            for byte in caption.utf8 {
                if byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D) {
                    if let last = bytes.last, last != UInt8(ascii: " ") { bytes.append(UInt8(ascii: " ")) }
                } else {
                    bytes.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
                }
            }
            if bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
        let words = caption.split { $0.isWhitespace }.joined(separator: " ")
        return String(words.lowercased().map { $0 == "’" ? "'" : $0 })
    }

    private static let originalMessageCaptions: Set = [
        "original message", "ursprüngliche nachricht", "originalnachricht", "message d'origine",
        "mensaje original", "oorspronkelijk bericht", "mensagem original", "messaggio originale",
        "исходное сообщение", "message original", "oprindelig besked", "opprinnelig melding", "ursprungligt meddelande",
        "originalmeddelande", "alkuperäinen viesti", "oryginalna wiadomość", "wiadomość oryginalna",
        "původní zpráva", "orijinal ileti", "原始邮件", "原始郵件", "元のメッセージ", "원본 메시지", "reply message",
    ]

    private static let forwardedMessageCaptions: Set = [
        "forwarded message", "weitergeleitete nachricht", "message transféré", "mensaje reenviado",
        "doorgestuurd bericht", "mensagem encaminhada", "messaggio inoltrato", "пересылаемое сообщение",
        "videresendt besked", "videresendt melding", "vidarebefordrat meddelande", "välitetty viesti",
        "wiadomość przekazana dalej", "přeposlaná zpráva", "转发邮件", "轉寄郵件", "転送されたメッセージ",
        "전달된 메시지",
    ]

    private static let longestIntroductionBytes = forwardIntroductions.map(\.utf8.count).max() ?? 0

    private static let forwardIntroductions: Set = [
        "begin forwarded message", "anfang der weitergeleiteten nachricht", "anfang der weitergeleiteten e-mail",
        "début du message réexpédié", "début du message transféré", "inicio del mensaje reenviado",
        "begin doorgestuurd bericht", "início da mensagem reencaminhada", "início da mensagem encaminhada",
        "inizio messaggio inoltrato", "начало переадресованного сообщения", "videresendt meddelelse",
        "start på videresendt besked", "vidarebefordrat brev", "begynnelse av videresendt melding",
    ]
}
