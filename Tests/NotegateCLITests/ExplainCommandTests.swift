import Foundation
import Testing

/// `notegate explain`, run as a support engineer would.
@Suite struct ExplainCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures")

    @Test func jsonLinesKeepTheirKeyOrderAndAnUnreadableFileFailsOnlyItself() async throws {
        let posted = Self.fixtures.appendingPathComponent("ticket-simple.eml").path
        let skipped = Self.fixtures.appendingPathComponent("auto-reply-auto-submitted.eml").path
        let result = try await NotegateBinary.run(["explain", "--json", posted, "/no/such/file.eml", skipped])

        #expect(result.status == 1)
        #expect(result.stderr.contains("/no/such/file.eml"))
        #expect(result.lines.count == 2)
        #expect(result.lines.allSatisfy {
            $0.hasPrefix("{\"file\": ") && $0.range(of: #""messageId": .*"action": .*"ticketId": .*"reason": .*"note": .*"text": "#,
                                                    options: .regularExpression) != nil
        })
        let objects = try result.lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects[0]["action"] as? String == "post")
        #expect(objects[0]["ticketId"] as? Int == 143)
        #expect(objects[0]["reason"] is NSNull)
        #expect((objects[0]["note"] as? String)?.hasPrefix("From: Dana Reyes <dana@vendor.example>\n") == true)
        #expect(objects[1]["action"] as? String == "skip")
        #expect(objects[1]["reason"] as? String == "auto-reply")
        #expect(objects[1]["ticketId"] as? Int == 801)
        #expect(objects[1]["note"] is NSNull)
        #expect(objects[1]["text"] as? String == "I am out of the office until 1 December.")
    }

    @Test func readableSummaryNamesTheDecision() async throws {
        let result = try await NotegateBinary.run(["explain", Self.fixtures.appendingPathComponent("ticket-two-different.eml").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Decision:   skip: ambiguous-ticket — the subject names more than one ticket: #143, #144"))
    }
}
