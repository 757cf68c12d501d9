import Foundation

/// A note the sandbox accepted, as `GET /sandbox/notes` lists it.
public struct RecordedNote: Sendable, Hashable, Codable {
    /// 1 for the first note accepted since the server started, then 2, 3…; clearing the notes does not reset it.
    public var sequence: Int
    public var ticketID: Int
    public var text: String
    /// When the note was recorded (ISO 8601 with fractional seconds in JSON).
    public var receivedAt: Date

    public init(sequence: Int, ticketID: Int, text: String, receivedAt: Date) {
        self.sequence = sequence
        self.ticketID = ticketID
        self.text = text
        self.receivedAt = receivedAt
    }

    private enum CodingKeys: String, CodingKey {
        case sequence, ticketID, text, receivedAt
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decode(Int.self, forKey: .sequence)
        ticketID = try container.decode(Int.self, forKey: .ticketID)
        text = try container.decode(String.self, forKey: .text)
        receivedAt = try Self.timeFormat.parse(container.decode(String.self, forKey: .receivedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(ticketID, forKey: .ticketID)
        try container.encode(text, forKey: .text)
        try container.encode(Self.timeFormat.format(receivedAt), forKey: .receivedAt)
    }
}
