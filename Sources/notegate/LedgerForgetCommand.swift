import ArgumentParser
import Ledger

/// `notegate ledger forget ID`: drop an entry so its message counts as new.
struct LedgerForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Remove an entry and its sightings, so its message is treated as new if it is seen again.",
        discussion: """
            A forgotten message comes back only if notegate sees it again (copied
            to another folder, a UIDVALIDITY reset); it is then decided, and
            posted, as if new. Needs the ledger to itself: stop `notegate run`
            first.
            """
    )

    @OptionGroup var location: LedgerLocation

    @Argument(help: "The entry's id, as `ledger list` shows it.")
    var id: LedgerEntryID

    func run() async throws {
        try await location.openAsOwner().forget(id)
        print("Entry \(id) forgotten: if its message is seen again, notegate treats it as new.")
    }
}
