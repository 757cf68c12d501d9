import Testing
@testable import GatewayConfig

/// `ledger.url`, `ledger.pool_size` and `ledger.instance`: a ledger shared by several instances.
@Suite struct SharedLedgerSettingsTests {
    private let mailbox = """
        mailboxes:
          - name: support
            host: imap.example.com
            username: notes@example.com
            password_env: IMAP_PASSWORD

        """

    @Test func theSharedLedgerSettingsAreRead() throws {
        let config = try GatewayConfiguration.parse(yaml: mailbox + """
            ledger:
              url: postgres://notegate@db.internal/notegate
              pool_size: 6
              instance: gateway-2
            """)
        #expect(config.ledger == LedgerSettings(url: "postgres://notegate@db.internal/notegate", poolSize: 6,
                                                instance: "gateway-2"))
    }

    @Test func theInstanceNameDefaultsToNoneAndMustNotBeEmpty() throws {
        #expect(try GatewayConfiguration.parse(yaml: mailbox).ledger.instance == nil)
        let error = #expect(throws: ConfigError.self) {
            try GatewayConfiguration.parse(yaml: mailbox + """
                ledger:
                  instance: ""
                """)
        }
        #expect(error?.keyPath == "ledger.instance")
    }
}
