import ArgumentParser
import IdentitySandbox
import Logging

struct IdentitySandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idp-sandbox",
        abstract: "Run a local OAuth2 identity provider on 127.0.0.1, for demos of `auth: oauth2`.",
        discussion: """
            POST /token answers the client_credentials, refresh_token, jwt-bearer and device_code grants; \
            POST /devicecode starts a device sign-in; POST /introspect (RFC 7662) is what Dovecot's oauth2 \
            passdb asks. POST /sandbox/approve (user_code, username) approves a device sign-in, POST \
            /sandbox/revoke (username) revokes refresh tokens, POST /sandbox/expire ends every access token, \
            PUT /sandbox/token-endpoint with `down` or `up` simulates an outage. Stop it with Ctrl-C.
            """
    )

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8081

    @Option(help: ArgumentHelp("An app-only client: id:secret:mailbox.", valueName: "id:secret:mailbox"))
    var appClient = "notegate-app:notegate-secret:notes"

    @Option(help: "A public client for the device flow.")
    var deviceClient = "notegate-device"

    @Option(help: "Seconds an access token lives.")
    var tokenLifetime = 3600

    func run() async throws {
        let parts = appClient.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("--app-client must be id:secret:mailbox, all non-empty.")
        }
        guard tokenLifetime >= 1 else { throw ValidationError("--token-lifetime must be at least 1 second.") }
        let configuration = IdentitySandboxConfiguration(
            port: port, clients: [.init(id: parts[0], secret: parts[1], mailbox: parts[2]), .init(id: deviceClient)],
            accessTokenLifetimeSeconds: tokenLifetime
        )
        try await IdentitySandboxServer.run(configuration, logger: Logger(label: "notegate.idp-sandbox")) { port in
            print("Identity sandbox on http://127.0.0.1:\(port): token endpoint /token, device codes /devicecode, "
                + "introspection /introspect.")
        }
    }
}
