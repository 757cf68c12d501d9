import ArgumentParser

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show which ticket each .eml file would be posted to, and the exact note, or why it would be skipped."
    )

    @Argument(help: "Message files (.eml).")
    var files: [String]

    func run() async throws {}
}
