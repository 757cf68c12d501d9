import Foundation
import NIOCore

/// A note call's body as the sandbox accepted it.
struct SubmittedNote: Equatable {
    var ticketID: Int
    var text: String
}

/// Reads a note call the way the documented API demands: `Content-Type: application/json` and a JSON object
/// with exactly `TextPart` (non-empty text), `ActivityType` = `CreateInternalNote`, `StorageType` = `Permament`
/// and `RelatedTicketId` (a positive integer; an integral number such as `143.0` is read as 143). Anything
/// else is a 400 whose message names the first problem found.
enum NoteBodyCheck {
    static let attributes: Set<String> = ["TextPart", "ActivityType", "StorageType", "RelatedTicketId"]

    static func read(contentType: String?, body: ByteBuffer) -> Result<SubmittedNote, BadRequest> {
        guard let contentType, isJSON(contentType) else {
            return .failure(BadRequest("Content-Type must be application/json."))
        }
        let fields: [String: JSONValue]
        do {
            fields = try JSONDecoder().decode([String: JSONValue].self, from: Data(body.readableBytesView))
        } catch {
            return .failure(BadRequest("The body is not a JSON object."))
        }
        if let unknown = fields.keys.sorted().first(where: { !attributes.contains($0) }) {
            return .failure(BadRequest("Unknown attribute '\(unknown)'."))
        }
        if let missing = attributes.sorted().first(where: { fields[$0] == nil }) {
            return .failure(BadRequest("Missing attribute '\(missing)'."))
        }
        guard fields["ActivityType"] == .string("CreateInternalNote") else {
            return .failure(BadRequest("ActivityType must be CreateInternalNote."))
        }
        guard fields["StorageType"] == .string("Permament") else {
            return .failure(BadRequest("StorageType must be Permament."))
        }
        guard case .integer(let ticketID) = fields["RelatedTicketId"], ticketID > 0 else {
            return .failure(BadRequest("RelatedTicketId must be a positive integer."))
        }
        guard case .string(let text) = fields["TextPart"], !text.isEmpty else {
            return .failure(BadRequest("TextPart must be non-empty text."))
        }
        return .success(SubmittedNote(ticketID: ticketID, text: text))
    }

    /// `application/json`, in any case, with or without parameters such as `charset=utf-8`.
    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// Why a call is a 400, in the server's words.
struct BadRequest: Error, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}

/// One JSON value, reduced to what the check tells apart.
private enum JSONValue: Decodable, Equatable {
    case string(String)
    case integer(Int)
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if (try? container.decode(Bool.self)) != nil {
            self = .other
        } else if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else {
            self = .other
        }
    }
}
