import Testing
@testable import GatewayConfig

private let mailbox = """
    mailboxes:
      - name: support
        host: imap.example.com
        username: notes@example.com
        password_env: IMAP_PASSWORD

    """

private func parse(_ rest: String) throws -> GatewayConfiguration {
    try GatewayConfiguration.parse(yaml: mailbox + rest)
}

@Suite struct GatewaySettingsParsingTests {
    @Test func defaultsApplyWhenSectionsAreMissing() throws {
        let config = try parse("")
        #expect(config.leadSquared == nil)
        #expect(config.ledger == LedgerSettings(path: "notegate-ledger.sqlite", onUncertain: .repost))
        #expect(config.notes.maxNoteBytes == 65_536)
        #expect(config.senders.allow.isEmpty)
        #expect(config.observability.listen == "127.0.0.1:9464")
        #expect(config.mailboxes[0].startFrom == .new)
    }

    @Test func leadSquaredSectionIsRead() throws {
        let config = try parse("""
            leadsquared:
              host: https://apigw.service-in.leadsquared.com
              tenant_id: "22824"
              access_key_env: LSQ_ACCESS
              secret_key_file: /run/secrets/lsq
              rate_limit_calls: 10
              check_ticket_id: 143
            """)
        let lsq = try #require(config.leadSquared)
        #expect(lsq.host == "https://apigw.service-in.leadsquared.com")
        #expect(lsq.tenantID == "22824")
        #expect(lsq.accessKey == .environment("LSQ_ACCESS"))
        #expect(lsq.secretKey == .file("/run/secrets/lsq"))
        #expect(lsq.rateLimitCalls == 10)
        #expect(lsq.rateLimitSeconds == 5)
        #expect(lsq.checkTicketID == 143)
    }

    @Test func plainHTTPHostNeedsAllowInsecure() throws {
        let error = #expect(throws: ConfigError.self) {
            try parse("""
                leadsquared:
                  host: http://127.0.0.1:8080
                  tenant_id: t
                  access_key_env: A
                  secret_key_env: S
                """)
        }
        #expect(error?.keyPath == "leadsquared.host")
        #expect(error?.line == 7)
    }

    @Test func secretsMustComeFromExactlyOnePlace() throws {
        let error = #expect(throws: ConfigError.self) {
            try parse("""
                leadsquared:
                  host: https://x.example
                  tenant_id: t
                  access_key_env: A
                  access_key_file: /a
                  secret_key_env: S
                """)
        }
        #expect(error?.problem.contains("exactly one of `access_key_env` or `access_key_file`") == true)
    }

    @Test func unknownKeyIsAnErrorWithItsLine() throws {
        let error = #expect(throws: ConfigError.self) {
            try parse("""
                ledger:
                  path: /tmp/l.sqlite
                  on_uncertian: hold
                """)
        }
        #expect(error?.keyPath == "ledger.on_uncertian")
        #expect(error?.line == 8)
    }

    @Test func dmarcNeedsATrustedAuthservID() throws {
        #expect(throws: ConfigError.self) {
            try parse("""
                senders:
                  require_dmarc_pass: true
                """)
        }
        let config = try parse("""
            senders:
              allow: [vendor.example]
              require_dmarc_pass: true
              trusted_authserv_id: mx.support.example
            """)
        #expect(config.senders.allow == ["vendor.example"])
        #expect(config.senders.trustedAuthservID == "mx.support.example")
    }

    @Test func startFromAcceptsNewAllOrADay() throws {
        let yaml = { (value: String) in
            """
            mailboxes:
              - name: support
                host: imap.example.com
                username: notes@example.com
                password_env: IMAP_PASSWORD
                start_from: \(value)
            """
        }
        #expect(try GatewayConfiguration.parse(yaml: yaml("all")).mailboxes[0].startFrom == .all)
        #expect(try GatewayConfiguration.parse(yaml: yaml("2026-11-01")).mailboxes[0].startFrom
            == .since(year: 2026, month: 11, day: 1))
        #expect(throws: ConfigError.self) { try GatewayConfiguration.parse(yaml: yaml("yesterday")) }
    }

    @Test func observabilityCanBeTurnedOff() throws {
        let config = try parse("""
            observability:
              listen: "off"
              log_format: json
            """)
        #expect(config.observability.listen == nil)
        #expect(config.observability.logFormat == .json)
    }

    @Test func acceptingEverySenderIsNamedAsARisk() {
        #expect(SenderSettings().openGatewayRisk?.contains("ticket number (they are sequential)") == true)
        #expect(SenderSettings(deny: ["spam.example"]).openGatewayRisk != nil, "a deny list still lets anyone else in")
        #expect(SenderSettings(allow: ["vendor.example"]).openGatewayRisk == nil)
        #expect(SenderSettings(requireDMARCPass: true, trustedAuthservID: "mx.support.example").openGatewayRisk == nil)
    }
}
