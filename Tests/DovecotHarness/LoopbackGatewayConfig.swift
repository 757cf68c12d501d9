import Foundation

/// A notegate config file for a gateway on loopback: the harness Dovecot's INBOX and a LeadSquared
/// API (the sandbox) at `apiURL`, with the API keys written to files beside it. For the demo, the
/// crash test and anything else that runs the real gateway against the harness.
public struct LoopbackGatewayConfig: Sendable {
    public let path: String
    public let ledgerPath: String

    /// `mailboxSettings` and `leadSquaredSettings` are extra `key: value` lines for those sections;
    /// `sections` is extra top-level YAML; `statusListen` turns on `/metrics` and `/healthz` there.
    public init(directory: URL, dovecot: DovecotServer, apiURL: String, tenantID: String, accessKey: String,
                secretKey: String, mailboxSettings: [String] = [], leadSquaredSettings: [String] = [],
                sections: String = "", statusListen: String? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func secretFile(_ name: String, _ value: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            guard FileManager.default.createFile(atPath: path, contents: Data(value.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw HarnessError("cannot write \(path)")
            }
            return path
        }
        ledgerPath = directory.appendingPathComponent("ledger.sqlite").path
        path = directory.appendingPathComponent("notegate.yaml").path
        let yaml = """
            mailboxes:
              - name: loopback
                host: 127.0.0.1
                port: \(dovecot.imapsPort)
                tls: { verify: true, ca_file: \(dovecot.certificates.caFile) }
                username: \(dovecot.user)
                password_file: \(dovecot.passwordFile)
                start_from: all
                poll_interval_seconds: 1
            \(mailboxSettings.map { "    \($0)\n" }.joined())\
            leadsquared:
              host: \(apiURL)
              tenant_id: \(tenantID)
              access_key_file: \(try secretFile("access-key", accessKey))
              secret_key_file: \(try secretFile("secret-key", secretKey))
              allow_insecure: true
            \(leadSquaredSettings.map { "  \($0)\n" }.joined())\
            ledger:
              path: \(ledgerPath)
            observability:
              listen: \(statusListen ?? "\"off\"")
              log_level: warning
            \(sections)
            """
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
