import AsyncHTTPClient
import Secrets
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import LeadSquared

/// How answers the sandbox never gives are classified: the documented decisions for other status codes.
@Suite("Outcome classification")
struct OutcomeClassificationTests {
    let note = NoteRequest(ticketID: 143, text: "x")
    let call = CallDescription(
        action: "post the note on ticket 143", ticketID: 143, method: .POST,
        url: URL(string: "https://example.com/upload")!
    )

    func outcome(_ status: Int, body: String = "", headers: HTTPHeaders = [:]) -> PostOutcome {
        PostOutcome(
            answer: ServerAnswer(status: status, headers: headers, body: ByteBuffer(string: body)),
            call: call, window: .seconds(5)
        )
    }

    static let kindsByStatus: [(status: Int, kind: PostOutcome.Kind)] = [
        (200, .posted), (201, .posted), (301, .configuration), (400, .rejected), (401, .configuration),
        (403, .configuration), (404, .configuration), (405, .configuration), (408, .transient),
        (413, .rejected), (422, .rejected), (429, .rateLimited), (500, .transient), (501, .transient),
        (502, .transient), (503, .transient), (504, .transient),
    ]

    @Test("Status codes map to the outcome the pipeline needs", arguments: kindsByStatus)
    func statusMapsToOutcome(status: Int, kind: PostOutcome.Kind) {
        #expect(outcome(status).kind == kind)
    }

    @Test("A failure is transient if the request had not been fully sent, uncertain once it had", arguments: [
        HTTPClientError.deadlineExceeded, .remoteConnectionClosed, .connectTimeout, .readTimeout, .cancelled,
    ])
    func failureDependsOnWhetherTheRequestWasSent(error: HTTPClientError) {
        let unsent = PostOutcome(failure: TransportFailure(error: error, requestSent: false), call: call)
        let sent = PostOutcome(failure: TransportFailure(error: error, requestSent: true), call: call)
        #expect(unsent.kind == .transient)
        #expect(sent.kind == .uncertain)
    }

    @Test("A 2xx without the documented body still counts as posted, for the note that was sent")
    func oddSuccessBodyIsStillPosted() {
        #expect(outcome(200, body: "OK") == .posted(NoteReceipt(message: "OK", ticketID: 143, organizationID: nil)))
    }

    @Test("The documented receipt decodes with its string ids; numbers are accepted too")
    func receiptDecodes() throws {
        let documented = #"{"Message":"Activity Created","RelatedTicketId":"143","RelatedOrgId":"22824","#
            + #""RelatedChannelMonitoringRequestId":0}"#
        let numeric = #"{"Message":"Activity Created","RelatedTicketId":143,"RelatedOrgId":22824}"#
        for body in [documented, numeric] {
            let receipt = try JSONDecoder().decode(NoteReceipt.self, from: Data(body.utf8))
            #expect(receipt == NoteReceipt(message: "Activity Created", ticketID: 143, organizationID: "22824"))
        }
    }

    @Test("A Retry-After longer than the window is honoured, a shorter one is not")
    func retryAfterIsHonoured() {
        #expect(outcome(429, headers: ["Retry-After": "12"]) == .rateLimited(retryAfter: .seconds(12)))
        #expect(outcome(429, headers: ["Retry-After": "1"]) == .rateLimited(retryAfter: .seconds(5)))
    }

    @Test("A Retry-After over 300 s is capped at 300 s, so one answer cannot stop posting for hours")
    func retryAfterIsCapped() {
        #expect(outcome(429, headers: ["Retry-After": "300"]) == .rateLimited(retryAfter: .seconds(300)))
        #expect(outcome(429, headers: ["Retry-After": "301"]) == .rateLimited(retryAfter: .seconds(300)))
        #expect(outcome(429, headers: ["Retry-After": "86400"]) == .rateLimited(retryAfter: .seconds(300)))
    }

    @Test("The body sent is exactly the four documented attributes, the ticket as a JSON number")
    func bodyIsExactlyDocumented() throws {
        let json = InternalNoteBody(note).json
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(Set(object.keys) == ["TextPart", "ActivityType", "StorageType", "RelatedTicketId"])
        #expect(object["ActivityType"] as? String == "CreateInternalNote")
        #expect(object["StorageType"] as? String == "Permament")
        #expect(String(decoding: json, as: UTF8.self).contains(#""RelatedTicketId":143"#))
    }

    @Test("Configurations that cannot work are refused before any call", arguments: [
        ("ftp://example.com", "t", "a", "s", "host"), ("https://example.com", "", "a", "s", "tenantID"),
        ("https://example.com", "a/b", "a", "s", "tenantID"), ("https://example.com", "t", "", "s", "accessKey"),
        ("https://example.com", "t", "a", "", "secretKey"),
    ])
    func invalidConfigurationIsRefused(host: String, tenant: String, access: String, secret: String, names: String) {
        let configuration = LeadSquaredClient.Configuration(
            host: URL(string: host)!, tenantID: tenant, accessKey: Secret(access), secretKey: Secret(secret)
        )
        #expect { try configuration.validate() } throws: { "\($0)".contains(names) }
    }
}
