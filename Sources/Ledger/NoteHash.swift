/// The SHA-256 (lower-case hex) of a note's exact text, recorded when it is posted so an operator
/// can tell which text went to the ticket without the ledger keeping the text itself.
public struct NoteHash: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The hash of `noteText`, over its UTF-8 bytes.
    public init(noteText: String) {
        self.init(rawValue: SHA256.hexDigest(Array(noteText.utf8)))
    }

    public var description: String { rawValue }
}
