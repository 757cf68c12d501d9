import ArgumentParser
import Observability

@main
struct Notegate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notegate",
        abstract: "Turns email into internal notes on LeadSquared Service CRM tickets.",
        subcommands: [
            ExplainCommand.self,
            FetchCommand.self,
            SandboxCommand.self,
            IdentitySandboxCommand.self,
            OAuthCommand.self,
            LedgerCommand.self,
            CheckCommand.self,
            RunCommand.self,
            OnceCommand.self,
        ]
    )

    /// As ArgumentParser's own `main`, except that the message of an error a command ends with goes through
    /// ``TerminalText`` first: it may quote a server's reply or text from mail.
    static func main() async {
        do {
            var command = try parseAsRoot()
            do {
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
            } catch let error as ExitCode {
                exit(withError: error)
            } catch let error as ValidationError {
                exit(withError: error)
            } catch where exitCode(for: error) == .success {
                // ArgumentParser's own request, such as the help a command group prints when run alone.
                exit(withError: error)
            } catch {
                exit(withError: CommandFailure(description: TerminalText.sanitized("\(error)")))
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The error a command ended with, as printed: its message with control characters made visible.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
