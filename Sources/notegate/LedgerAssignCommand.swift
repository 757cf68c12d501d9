import ArgumentParser
import Ledger

/// `notegate ledger assign ID --ticket N`: send a message to the right ticket.
struct LedgerAssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Set the ticket of an entry that was not posted (a typo'd tag, no tag) and queue it for posting.",
        discussion: """
            Works on skipped, pending, retrying, dead and uncertain entries that
            have a note; a posted entry cannot be moved (its note is already on a
            ticket). Needs the ledger to itself: stop `notegate run` first.
            """
    )

    @OptionGroup var location: LedgerLocation

    @Argument(help: "The entry's id, as `ledger list` shows it.")
    var id: LedgerEntryID

    @Option(name: .long, help: "The ticket to post the note to.")
    var ticket: Int

    func validate() throws {
        if ticket < 1 { throw ValidationError("--ticket must be a ticket number, 1 or more.") }
    }

    func run() async throws {
        let entry = try await location.openAsOwner().assign(id, ticketID: ticket)
        print(entry.queuedMessage)
    }
}
