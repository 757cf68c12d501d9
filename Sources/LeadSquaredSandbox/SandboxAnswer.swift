import Foundation
import Hummingbird

/// The bodies the sandbox answers with. The documentation shows only the 200 body; the others follow its
/// wording, in the `Message` / `ExceptionMessage` shape of the ASP.NET APIs it comes from.
enum SandboxAnswer {
    /// The documented 200 body of a note call (ids as strings).
    struct Receipt: Encodable {
        let message = "Activity Created"
        let relatedTicketID: String
        let relatedOrgID: String
        let relatedChannelMonitoringRequestID = 0

        enum CodingKeys: String, CodingKey {
            case message = "Message"
            case relatedTicketID = "RelatedTicketId"
            case relatedOrgID = "RelatedOrgId"
            case relatedChannelMonitoringRequestID = "RelatedChannelMonitoringRequestId"
        }
    }

    /// A ticket's details: the page does not show the shape, so this is a small invented one.
    struct Ticket: Encodable {
        let id: Int
        let ticketKey: String
        let subject: String
        let status = "Open"

        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case ticketKey = "TicketKey"
            case subject = "Subject"
            case status = "Status"
        }
    }

    private struct Explanation: Encodable {
        let message: String
        let exceptionMessage: String?

        enum CodingKeys: String, CodingKey {
            case message = "Message"
            case exceptionMessage = "ExceptionMessage"
        }
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func message(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(Explanation(message: message, exceptionMessage: nil), status: status)
    }

    static let notFound = message(.notFound, "The API could not be found. Please check the API signature.")
    static let unauthorized = message(
        .unauthorized, "The API call was made with invalid access credentials. Check your AccessKey and SecretKey."
    )
    static let injectedFailure = json(
        Explanation(
            message: "The API call failed.",
            exceptionMessage: "Sandbox fault injection: simulated internal error."
        ),
        status: .internalServerError
    )
}
