import Foundation

/// One internal note to post: the ticket's number (as in the ticket page's URL, `#034` is 34) and the note's text.
public struct NoteRequest: Sendable, Hashable {
    /// The ticket's number, the `RelatedTicketId` of the call.
    public var ticketID: Int
    /// The note's text, the `TextPart` of the call.
    public var text: String

    public init(ticketID: Int, text: String) {
        self.ticketID = ticketID
        self.text = text
    }

    /// Why the API would refuse this note whatever happens, or `nil` if it is fit to send.
    func problem(maxBytes: Int) -> String? {
        if ticketID <= 0 {
            return "Ticket number \(ticketID) is not a ticket: LeadSquared ticket numbers are positive."
        }
        if text.isEmpty {
            return "The note for ticket \(ticketID) is empty; LeadSquared needs some text."
        }
        let bytes = text.utf8.count
        if bytes > maxBytes {
            return "The note for ticket \(ticketID) is \(bytes) bytes, over the configured limit of \(maxBytes) "
                + "(`notes.max_note_bytes`); shorten it or raise the limit."
        }
        return nil
    }
}

/// The JSON body of "Post an Internal Note on a Ticket", spelled exactly as documented (`Permament` included).
struct InternalNoteBody {
    let textPart: String
    let activityType = "CreateInternalNote"
    let storageType = "Permament"
    let relatedTicketID: Int

    init(_ note: NoteRequest) {
        textPart = note.text
        relatedTicketID = note.ticketID
    }

    /// The body as sent: the four attributes as documented, the ticket as a JSON number.
    var json: Data {
        Data(("{\"TextPart\":\(JSONString.quoted(textPart)),\"ActivityType\":\(JSONString.quoted(activityType)),"
            + "\"StorageType\":\(JSONString.quoted(storageType)),\"RelatedTicketId\":\(relatedTicketID)}").utf8)
    }
}
