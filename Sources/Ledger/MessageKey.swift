/// The identity under which the ledger records a message: one ledger entry per key, so the same
/// message seen again (another folder or mailbox, a UIDVALIDITY reset, a re-sent copy) is never
/// posted twice.
///
/// A message with a Message-ID is keyed `mid:<normalized id>`; one without is keyed
/// `sha256:<hex>` over its From, Date, Subject and body. The prefixes keep the two kinds apart.
public struct MessageKey: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key of a message: its normalized Message-ID when it has a usable one, otherwise the content
    /// hash over the given header values (as they appear in the message, unfolded) and decoded body.
    public init(messageID: String?, from: String, date: String, subject: String, body: String) {
        if let normalized = messageID.flatMap(Self.normalizedMessageID) {
            self.init(rawValue: "mid:" + normalized)
        } else {
            self.init(contentFrom: from, date: date, subject: subject, body: body)
        }
    }

    /// The key of a message without a Message-ID: SHA-256 over From, Date, Subject and body, each
    /// prefixed by its length in UTF-8 bytes so that no two different field lists hash the same input.
    public init(contentFrom from: String, date: String, subject: String, body: String) {
        var input: [UInt8] = []
        for field in [from, date, subject, body] {
            input += Array("\(field.utf8.count):".utf8) + Array(field.utf8)
        }
        self.init(rawValue: "sha256:" + SHA256.hexDigest(input))
    }

    /// A Message-ID (or an In-Reply-To/References entry) in the form the ledger compares: without
    /// surrounding whitespace and angle brackets, with the domain part (after the last `@`) lower-cased
    /// because RFC 5322 domains are case-insensitive, and the local part kept as it is because it is
    /// not. Nil when nothing is left.
    public static func normalizedMessageID(_ raw: String) -> String? {
        var id = Substring(raw).trimmingWhitespace()
        if id.hasPrefix("<") { id = id.dropFirst() }
        if id.hasSuffix(">") { id = id.dropLast() }
        id = id.trimmingWhitespace()
        guard !id.isEmpty else { return nil }
        guard let at = id.lastIndex(of: "@") else { return String(id) }
        return String(id[..<at]) + id[at...].lowercased()
    }

    public var description: String { rawValue }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return self[first...last]
    }
}
