/// What LeadSquared answered when it created a note (the 200 body). The API sends the ids back as strings;
/// numbers are accepted too.
public struct NoteReceipt: Sendable, Hashable, Decodable {
    /// The server's message, `Activity Created` as documented.
    public var message: String
    /// The ticket the note was posted on (`RelatedTicketId`).
    public var ticketID: Int
    /// The account's organisation id (`RelatedOrgId`), when the server sent one.
    public var organizationID: String?

    public init(message: String, ticketID: Int, organizationID: String?) {
        self.message = message
        self.ticketID = ticketID
        self.organizationID = organizationID
    }

    enum CodingKeys: String, CodingKey {
        case message = "Message"
        case ticketID = "RelatedTicketId"
        case organizationID = "RelatedOrgId"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message = try container.decode(String.self, forKey: .message)
        let ticket = try container.decodeStringOrNumber(forKey: .ticketID)
        guard let ticketID = Int(ticket) else {
            throw DecodingError.dataCorruptedError(
                forKey: .ticketID, in: container, debugDescription: "RelatedTicketId \(ticket) is not a number"
            )
        }
        self.ticketID = ticketID
        organizationID = try container.contains(.organizationID)
            ? container.decodeStringOrNumber(forKey: .organizationID) : nil
    }
}

extension KeyedDecodingContainer {
    /// A value the API documents as a string of digits, accepted as a JSON number too.
    fileprivate func decodeStringOrNumber(forKey key: Key) throws -> String {
        if let number = try? decode(Int.self, forKey: key) {
            return String(number)
        }
        return try decode(String.self, forKey: key)
    }
}
