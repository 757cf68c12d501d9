import DovecotHarness
import Foundation
import LeadSquared
import Testing

/// The client speaks TLS 1.2 or later only.
@Suite("TLS protocol version")
struct TLSVersionTests {
    @Test("A host that offers only TLS 1.0 is refused as a configuration fault that says the version is too old")
    func tls10HostIsRefused() async throws {
        let server = try LegacyTLSServer()
        defer { server.stop() }
        let configuration = LeadSquaredClient.Configuration(
            host: try #require(URL(string: "https://127.0.0.1:\(server.port)")), tenantID: "t1",
            accessKey: "access", secretKey: "secret")
        let client = try LeadSquaredClient(configuration: configuration)
        let outcome = await client.post(NoteRequest(ticketID: 143, text: "The printer is fixed."))
        try await client.shutdown()
        #expect(outcome.kind == .configuration, "\(outcome)")
        let reason = outcome.reason ?? ""
        #expect(reason.contains("TLS protocol version that is too old"), "\(reason)")
        #expect(reason.contains("TLS 1.2 or later"))
    }
}
