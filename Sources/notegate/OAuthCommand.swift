import ArgumentParser
import GatewayConfig
import OAuth

struct OAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oauth",
        abstract: "Sign an `auth: oauth2` mailbox in to its provider.",
        subcommands: [OAuthLoginCommand.self]
    )
}

struct OAuthLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in with a device code (RFC 8628) and keep the refresh token for the mailbox.",
        discussion: """
            For `grant: refresh_token` (delegated access). Prints a URL and a code: open the URL on any device, \
            enter the code and sign in as the mailbox's user. notegate waits for the approval and stores the \
            refresh token in the mailbox's refresh-token file (mode 0600, beside the ledger unless \
            `refresh_token_file` says otherwise); `run` then renews access tokens with it.
            """
    )

    @OptionGroup var configOption: ConfigOption

    @Option(help: "The `name` of the mailbox to sign in.")
    var mailbox: String

    func run() async throws {
        let configuration = try configOption.load()
        guard let entry = configuration.mailboxes.first(where: { $0.name == mailbox }) else {
            let names = configuration.mailboxes.map(\.name).joined(separator: ", ")
            throw ValidationError("no mailbox named \(mailbox) in \(configOption.config); it has: \(names)")
        }
        guard case .oauth2(let settings) = entry.authentication else {
            throw ValidationError("mailbox \(mailbox) does not use `auth: oauth2`")
        }
        let path = try await DeviceAuthorization(settings: settings).signIn { prompt in
            print("To sign in mailbox \(entry.name) (\(entry.username)), open \(prompt.verificationURI) and enter "
                + "the code \(prompt.userCode) within \(prompt.expiresIn / 60) minutes. Waiting for the approval...")
        }
        print("Signed in. The refresh token is kept in \(path).")
    }
}
