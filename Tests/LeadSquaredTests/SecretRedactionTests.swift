import Secrets
import Foundation
import LeadSquaredSandbox
import NIOCore
import Testing

@testable import LeadSquared

/// Keys never show: not in logs, descriptions, dumps, outcomes or errors.
@Suite("Secret redaction")
struct SecretRedactionTests {
    static let accessKey = "AK-7f3c91e2d4b8"
    static let secretKey = "SK-0b5e6a28c1f9"

    func assertNoKey(in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!text.contains(Self.accessKey), sourceLocation: sourceLocation)
        #expect(!text.contains(Self.secretKey), sourceLocation: sourceLocation)
    }

    @Test("A Secret prints, interpolates and dumps as <redacted>")
    func secretNeverShows() {
        let secret = Secret(Self.secretKey)
        var dumped = ""
        dump(secret, to: &dumped)
        let mirrored = "\(Mirror(reflecting: secret).children.map(\.value))"
        for text in ["\(secret)", String(reflecting: secret), dumped, "\([secret])", mirrored] {
            assertNoKey(in: text)
        }
        #expect("\(secret)" == "<redacted>")
        #expect(secret.reveal() == Self.secretKey)
    }

    @Test("Every outcome, error and configuration text, and every log line, is free of keys")
    func noKeyAnywhere() async throws {
        let capture = LogCapture()
        var rendered: [String] = []
        let configureSandbox: (inout SandboxConfiguration) -> Void = {
            $0.accessKey = Self.accessKey
            $0.secretKey = Self.secretKey
            $0.knownTickets = [143]
        }
        try await SandboxFixture.run(sandbox: configureSandbox, logger: capture.logger) { fixture in
            var configuration = fixture.client.configuration
            var dumped = ""
            dump(configuration, to: &dumped)
            rendered += ["\(configuration)", String(reflecting: configuration), dumped]

            let faults: [SandboxFaults] = [
                SandboxFaults(), SandboxFaults(failureRate: 1), SandboxFaults(dropRate: 1),
            ]
            for fault in faults {
                try await fixture.sandbox.account.setFaults(fault)
                for ticket in [143, 144] {
                    let outcome = await fixture.client.post(NoteRequest(ticketID: ticket, text: "note"))
                    rendered += ["\(outcome)", String(reflecting: outcome)]
                }
            }
            rendered.append("\(await fixture.client.verifyAccess(ticketID: 143))")

            configuration.secretKey = Secret(Self.secretKey + "-wrong")
            let wrong = try LeadSquaredClient(configuration: configuration, logger: capture.logger)
            rendered.append("\(await wrong.post(NoteRequest(ticketID: 143, text: "note")))")
            try await wrong.shutdown()

            configuration.host = URL(string: "ftp://example.com")!
            #expect { try configuration.validate() } throws: {
                rendered.append("\($0)")
                return true
            }
        }
        #expect(rendered.count == 18)
        assertNoKey(in: rendered.joined(separator: "\n"))
        #expect(!capture.text.isEmpty)
        assertNoKey(in: capture.text)
    }

    @Test("A server message that echoes a key is blotted out of the outcome")
    func echoedKeyIsRedacted() throws {
        let configuration = LeadSquaredClient.Configuration(
            host: URL(string: "https://example.com")!, tenantID: "t",
            accessKey: Secret(Self.accessKey), secretKey: Secret(Self.secretKey)
        )
        let echo = ServerAnswer(
            status: 400, headers: [:], body: ByteBuffer(string: #"{"Message":"bad key \#(Self.secretKey)"}"#)
        )
        let call = CallDescription(
            action: "post the note on ticket 1", ticketID: 1, method: .POST,
            url: URL(string: "https://example.com/upload")!
        )
        let outcome = PostOutcome(answer: echo, call: call, window: .seconds(5)).redacted(by: configuration)
        assertNoKey(in: "\(outcome)")
        #expect("\(outcome)".contains("bad key <redacted>"))
    }
}
