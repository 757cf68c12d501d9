import Foundation
import GatewayConfig
import Testing
@testable import Gateway

@Suite struct OAuthTokenExpiryTests {
    static func jwt(exp: Int) -> String {
        let payload = Data(#"{"aud":"https://outlook.office.com","exp":\#(exp)}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        return "eyJhbGciOiJSUzI1NiJ9.\(payload).c2lnbmF0dXJl"
    }

    @Test func jwtExpiryIsRead() {
        #expect(OAuthTokenExpiry.expiry(of: Self.jwt(exp: 1_795_000_000)) == Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test func opaqueTokensSayNothing() {
        #expect(OAuthTokenExpiry.expiry(of: "ya29.a0AfH6SMopaque") == nil)
        #expect(OAuthTokenExpiry.expiry(of: "") == nil)
    }

    @Test func aTokenAboutToExpireMakesHealthUnhealthy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenFile = folder.appendingPathComponent("token").path
        let now = Date()
        try Self.jwt(exp: Int(now.timeIntervalSince1970) + 300).write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let mailbox = MailboxConfig(name: "m365", host: "outlook.office365.com", username: "notes@example.com",
                                    authentication: .xoauth2(token: .file(tokenFile)))
        let health = GatewayHealth()
        let watch = OAuthTokenWatch(mailboxes: [mailbox], health: health, warning: 900, interval: .seconds(300))

        await watch.checkOnce(now: now)
        let report = await health.report(unreachableAfter: 600, now: now)
        #expect(report.problems.map(\.component) == ["oauth m365"])

        try Self.jwt(exp: Int(now.timeIntervalSince1970) + 3_600).write(toFile: tokenFile, atomically: true, encoding: .utf8)
        await watch.checkOnce(now: now)
        #expect(await health.report(unreachableAfter: 600, now: now).isHealthy)
    }
}
