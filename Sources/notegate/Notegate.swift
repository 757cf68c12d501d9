import ArgumentParser

@main
struct Notegate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notegate",
        abstract: "Turns email into internal notes on LeadSquared Service CRM tickets.",
        subcommands: [
            ExplainCommand.self,
            FetchCommand.self,
            SandboxCommand.self,
            LedgerCommand.self,
            CheckCommand.self,
        ]
    )
}
