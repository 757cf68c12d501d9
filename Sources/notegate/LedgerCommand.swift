import ArgumentParser

/// `notegate ledger`: the operator's view of what notegate recorded, and the fixes for what could not
/// be posted, without touching the database.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "See and fix what notegate recorded: every message, its ticket and the state of its note.",
        discussion: """
            `list` and `show` read the ledger and work while `notegate run` is running.
            `retry`, `assign` and `forget` change it and need the ledger to themselves:
            stop the daemon first, fix the entries, then start it again to post them.
            """,
        subcommands: [
            LedgerListCommand.self,
            LedgerShowCommand.self,
            LedgerRetryCommand.self,
            LedgerAssignCommand.self,
            LedgerForgetCommand.self,
            LedgerMigrateCommand.self,
        ]
    )
}
