import MailParsing

/// Turns a message into a `NoteDecision`. Pure: no I/O, safe to call from any thread.
public struct NoteExtractor: Sendable {
    public init() {}

    /// Decides what to do with raw RFC 5322 bytes. Never throws: bytes that cannot be parsed
    /// become a `malformed` skip that says what is wrong.
    public func decide(rawMessage: [UInt8]) -> NoteDecision {
        NoteDecision(action: .skip(.noText, detail: "not implemented yet"), ticketID: nil, messageID: nil, text: nil)
    }
}
