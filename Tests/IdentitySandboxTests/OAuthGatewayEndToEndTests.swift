import DovecotHarness
import Foundation
import IdentitySandbox
import LeadSquaredSandbox
import Testing

/// The real `notegate` binary with an `auth: oauth2` mailbox, one per grant: `check` asks for a token and logs in,
/// `once` posts the note; Dovecot checks each token at the identity sandbox. No script of the user's own.
@Suite(.serialized) struct OAuthGatewayEndToEndTests {
    struct Run {
        let status: Int32
        let output: String
    }

    /// Runs `notegate` (built beside this test bundle) and waits for it; output goes through a file.
    static func notegate(_ arguments: [String], in directory: URL) async throws -> Run {
        let output = directory.appendingPathComponent("output-\(UUID().uuidString.prefix(6))")
        try Data().write(to: output)
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("notegate")
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try handle.close()
        return Run(status: status, output: try String(contentsOf: output, encoding: .utf8))
    }

    /// A sandbox, an identity sandbox and a Dovecot asking it; all stopped also on failure.
    static func withServers(_ configuration: IdentitySandboxConfiguration,
                            _ body: (IdentitySandboxServer, DovecotServer, SandboxServer) async throws -> Void)
        async throws
    {
        let leadSquared = try await SandboxServer.start()
        do {
            try await DovecotOAuthLoginTests.withServers(configuration) { idp, dovecot in
                try await body(idp, dovecot, leadSquared)
            }
        } catch {
            await leadSquared.stop()
            throw error
        }
        await leadSquared.stop()
    }

    static func config(_ dovecot: DovecotServer, _ leadSquared: SandboxServer, oauth2: String) throws
        -> LoopbackGatewayConfig
    {
        let account = leadSquared.account.configuration
        return try LoopbackGatewayConfig(
            directory: dovecot.directory.appendingPathComponent("gateway"), dovecot: dovecot,
            apiURL: leadSquared.baseURL.absoluteString, tenantID: account.tenantID, accessKey: account.accessKey,
            secretKey: account.secretKey,
            mailboxSettings: ["timeout_seconds: 10", "auth: oauth2", "oauth2: { \(oauth2) }"])
    }

    static func message(_ ticket: Int) -> [UInt8] {
        Array("""
            From: Vendor <vendor@vendor.example>\r
            To: notes@support.example\r
            Subject: [#\(ticket)] Update\r
            Message-ID: <oauth-\(ticket)-\(UUID().uuidString)@vendor.example>\r
            Date: Tue, 24 Nov 2026 09:15:00 +0100\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            The part arrives on Monday.\r

            """.utf8)
    }

    /// `check` then `once`: the check passes both steps, and the message becomes a note.
    static func checkThenPost(_ config: LoopbackGatewayConfig, _ dovecot: DovecotServer, _ leadSquared: SandboxServer)
        async throws
    {
        try dovecot.append(message(143))
        let check = try await notegate(["check", "--config", config.path], in: dovecot.directory)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("mailbox loopback OAuth token"), "\(check.output)")
        let once = try await notegate(["once", "--config", config.path], in: dovecot.directory)
        #expect(once.status == 0, "\(once.output)")
        #expect(await leadSquared.account.notes().count == 1)
        #expect(!once.output.contains("at-"), "an access token must never be printed")
    }

    static func sandboxURLs(_ idp: IdentitySandboxServer) -> String {
        "provider: generic, token_url: \"\(idp.tokenURL.absoluteString)\", "
            + "device_authorization_url: \"\(idp.deviceAuthorizationURL.absoluteString)\", scope: imap, "
            + "allow_insecure: true"
    }

    @Test func clientCredentialsMailboxGoesFromCheckToAPostedNote() async throws {
        try await Self.withServers(IdentitySandboxTests.configuration()) { idp, dovecot, leadSquared in
            let secret = try OAuthGrantLoginTests.file(dovecot, "client-secret", "app-secret")
            let config = try Self.config(dovecot, leadSquared, oauth2: Self.sandboxURLs(idp)
                + ", grant: client_credentials, client_id: app, client_secret_file: \(secret)")
            try await Self.checkThenPost(config, dovecot, leadSquared)
        }
    }

    @Test func checkSaysTheTokenRequestFailedAndWhy() async throws {
        try await Self.withServers(IdentitySandboxTests.configuration()) { idp, dovecot, leadSquared in
            let secret = try OAuthGrantLoginTests.file(dovecot, "client-secret", "not-the-secret")
            let config = try Self.config(dovecot, leadSquared, oauth2: Self.sandboxURLs(idp)
                + ", grant: client_credentials, client_id: app, client_secret_file: \(secret)")
            let check = try await Self.notegate(["check", "--config", config.path], in: dovecot.directory)
            #expect(check.status == 1, "\(check.output)")
            #expect(check.output.contains("FAIL  mailbox loopback OAuth token"), "\(check.output)")
            #expect(check.output.contains("invalid_client"), "\(check.output)")
            #expect(!check.output.contains("not-the-secret"), "a secret must never be printed")
        }
    }

    @Test func serviceAccountMailboxGoesFromCheckToAPostedNote() async throws {
        let account = try TestServiceAccount()
        try await Self.withServers(IdentitySandboxTests.configuration(account)) { idp, dovecot, leadSquared in
            let keyJSON = try JSONSerialization.data(withJSONObject: [
                "client_email": account.email, "private_key": account.key.pemRepresentation,
            ])
            let keyFile = try OAuthGrantLoginTests.file(dovecot, "sa.json", String(decoding: keyJSON, as: UTF8.self))
            let config = try Self.config(dovecot, leadSquared, oauth2: Self.sandboxURLs(idp)
                + ", grant: jwt_bearer, service_account_key_file: \(keyFile)")
            try await Self.checkThenPost(config, dovecot, leadSquared)
        }
    }

    @Test func deviceLoginThenRefreshTokenMailboxGoesFromCheckToAPostedNote() async throws {
        try await Self.withServers(IdentitySandboxTests.configuration()) { idp, dovecot, leadSquared in
            let config = try Self.config(dovecot, leadSquared, oauth2: Self.sandboxURLs(idp)
                + ", grant: refresh_token, client_id: device-app")
            // The user: approves the code once `oauth login` has asked for one.
            let approver = Task {
                for _ in 0..<600 {
                    if let code = await idp.directory.pendingUserCodes.first {
                        return await idp.directory.approve(userCode: code, as: IdentitySandboxTests.user)
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                return false
            }
            let login = try await Self.notegate(["oauth", "login", "--config", config.path, "--mailbox", "loopback"],
                                                in: dovecot.directory)
            approver.cancel()
            #expect(try await approver.value, "no device code was asked for")
            #expect(login.status == 0, "\(login.output)")
            #expect(login.output.contains("enter the code"), "\(login.output)")
            let stored = URL(fileURLWithPath: config.ledgerPath).deletingLastPathComponent()
                .appendingPathComponent("oauth-loopback.refresh-token").path
            #expect(FileManager.default.fileExists(atPath: stored))
            try await Self.checkThenPost(config, dovecot, leadSquared)
        }
    }
}
