import ArgumentParser
import Foundation
import Ledger
import Observability

/// `notegate ledger list`: the entries, newest first, filtered.
struct LedgerListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List ledger entries, newest first.",
        discussion: """
            Prints a table and a count line. With --json, prints one JSON object
            per entry and line, keys in this order: id, key, messageId, subject,
            from, ticketId, state, reason, nextAttemptAt, attempts, lastError,
            uncertainReposts, createdAt, updatedAt, postedAt. Times are ISO 8601
            in UTC. Works while `notegate run` is running.
            """
    )

    @OptionGroup var location: LedgerLocation

    @Option(name: .long, help: "Only entries in this state.")
    var state: LedgerState.Name?

    @Option(name: .long, help: "Only entries for this ticket (posted, queued or skipped).")
    var ticket: Int?

    @Option(name: .long, help: "Only entries first recorded since: 2026-11-25, 2026-11-25T08:00:00Z, 24h or 7d.",
            transform: { try LedgerSince.date(from: $0) })
    var since: Date?

    @Option(name: .long, help: "At most this many entries.")
    var limit: Int?

    @Flag(name: .long, help: "One JSON object per entry and line.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    func run() async throws {
        let ledger = try location.openForReading()
        let entries = try await ledger.list(LedgerFilter(state: state, ticketID: ticket, since: since, limit: limit))
        if json {
            entries.forEach { print(LedgerEntryJSON.summary($0)) }
            return
        }
        if !entries.isEmpty { print(TerminalText.sanitized(LedgerEntryTable(entries: entries).text)) }
        print(countLine(entries.count))
    }

    private func countLine(_ count: Int) -> String {
        let line = count == 1 ? "1 entry" : "\(count) entries"
        guard let limit, count == limit else { return line }
        return line + " (the first \(limit); raise --limit to see more)"
    }
}
