import ArgumentParser
import Ledger

/// `notegate ledger retry ID | --dead`: queue failed posts again.
struct LedgerRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue a dead, uncertain or retrying entry for posting again, or every dead entry with --dead.",
        discussion: """
            The entry becomes pending with a fresh attempt count; notegate posts it
            on its next pass. Retrying an uncertain entry may post its note a
            second time: check the ticket first. Needs the ledger to itself: stop
            `notegate run` first.
            """
    )

    @OptionGroup var location: LedgerLocation

    @Argument(help: "The entry's id, as `ledger list` shows it.")
    var id: LedgerEntryID?

    @Flag(name: .long, help: "Retry every dead entry.")
    var dead = false

    func validate() throws {
        switch (id, dead) {
        case (nil, false):
            throw ValidationError("Give the id of the entry to retry, or --dead to retry every dead entry.")
        case (.some, true): throw ValidationError("Give an entry id or --dead, not both.")
        default: break
        }
    }

    func run() async throws {
        let ledger = try location.openAsOwner()
        if let id {
            print(try await ledger.retry(id).queuedMessage)
        } else {
            let count = try await ledger.retryAllDead()
            print(count == 1 ? "1 dead entry queued for posting." : "\(count) dead entries queued for posting.")
        }
    }
}
