import ArgumentParser
import Ledger
import Observability

/// `notegate ledger show ID`: everything the ledger knows about one message.
struct LedgerShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything the ledger knows about one entry, including its note.",
        discussion: """
            With --json, prints one JSON object: the fields of `ledger list --json`,
            then noteHash, apiResponse, sightings (account, folder, uidValidity,
            uid, seenAt) and note. Works while `notegate run` is running.
            """
    )

    @OptionGroup var location: LedgerLocation

    @Argument(help: "The entry's id, as `ledger list` shows it.")
    var id: LedgerEntryID

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    func run() async throws {
        guard let entry = try await location.openForReading().entry(id) else { throw LedgerError.notFound(id) }
        print(json ? LedgerEntryJSON.detail(entry) : TerminalText.sanitized(LedgerEntryDetail(entry: entry).text))
    }
}
