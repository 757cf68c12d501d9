import ArgumentParser
import Ledger
import LedgerPostgres

/// `notegate ledger migrate --from PATH --to URL`: moves a SQLite ledger into a PostgreSQL one.
struct LedgerMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a SQLite ledger into a PostgreSQL ledger, to move a gateway to `ledger.url`.",
        discussion: """
            Copies every entry (state, attempts, note, ticket, errors, times,
            uncertain reposts), every sighting with its mailbox action still due,
            and every folder's checkpoint, a batch of entries per transaction.
            Entries keep their ids unless PostgreSQL already uses one for another
            message. A message PostgreSQL already has is left as it is, so running
            the command again copies nothing new. An entry left `posting` by a
            stopped gateway stays `posting`: the first gateway on PostgreSQL makes
            it uncertain and follows `on_uncertain`. The marks of messages in hand
            are not copied: those messages are fetched again, as after a restart.
            Needs the SQLite ledger to itself: stop `notegate run` first; the file
            is only read. Prints what was copied per kind of row.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The SQLite ledger file to copy.", valueName: "path"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The PostgreSQL ledger (as `ledger.url`).", valueName: "postgres-url"))
    var to: String

    @Flag(name: .long, help: "Print what would be copied, writing nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Create notegate's tables in the database first if it has none.")
    var createSchema = false

    /// Entries per transaction.
    static let batchSize = 500

    func run() async throws {
        let location = try PostgresLedgerLocation(url: to, poolSize: 1)
        let source = try SQLiteLedgerExport(path: from)
        let target = try await PostgresLedgerImport.connect(location, createSchema: createSchema, dryRun: dryRun)
        do {
            let counts = try await copy(source, into: target)
            await target.close()
            print(LedgerMigrationReport(source: source.path, target: location, dryRun: dryRun, counts: counts,
                                        messagesInHand: try source.messagesInHand()).text)
        } catch {
            await target.close()
            throw error
        }
    }

    private func copy(_ source: SQLiteLedgerExport, into target: PostgresLedgerImport) async throws
        -> PostgresLedgerImport.Counts {
        var counts = PostgresLedgerImport.Counts()
        if let highest = try source.highestID() {
            try await target.reserveIDs(through: highest)
        }
        var last: LedgerEntryID?
        do {
            while true {
                let batch = try source.entries(after: last, limit: Self.batchSize)
                guard let highest = batch.last?.id else { break }
                counts.add(try await target.importEntries(batch))
                last = highest
            }
            counts.add(try await target.importCheckpoints(try source.checkpoints()))
        } catch where last != nil && !dryRun {
            throw LedgerMigrationInterrupted(error: error, lastCopied: last)
        }
        return counts
    }
}

/// A migration that failed after some batches were committed: they stay, and running it again goes on from there.
struct LedgerMigrationInterrupted: Error, CustomStringConvertible {
    var error: any Error
    var lastCopied: LedgerEntryID?

    var description: String {
        "\(error)\nThe entries up to \(lastCopied.map(String.init(describing:)) ?? "?") are in PostgreSQL and stay there "
            + "(checkpoints are copied last); run the same command again to copy the rest."
    }
}

/// What `ledger migrate` prints: one line per kind of row, new and already present.
struct LedgerMigrationReport {
    var source: String
    var target: PostgresLedgerLocation
    var dryRun: Bool
    var counts: PostgresLedgerImport.Counts
    var messagesInHand: Int

    var text: String {
        var lines = [
            dryRun ? "Dry run: nothing was written. \(source) → \(target) would get:"
                : "Copied \(source) → \(target):",
            "  entries      \(counts.newEntryCount) new\(byState), \(counts.entriesPresent) already present",
            "  sightings    \(counts.newSightings) new, \(counts.sightingsPresent) already present",
            "  due actions  \(counts.newDueActionCount) new\(byAction)",
            "  checkpoints  \(counts.newCheckpoints) new, \(counts.advancedCheckpoints) advanced, "
                + "\(counts.checkpointsPresent + counts.checkpointsKept.count) already present",
        ]
        let renumbered = counts.renumbered.sorted { $0.key < $1.key }
        if !renumbered.isEmpty {
            lines.append("  ids          \(renumbered.count) taken in PostgreSQL by other messages, "
                + "given new ones: " + renumbered.prefix(20).map { "\($0.key) → \($0.value)" }.joined(separator: ", ")
                + (renumbered.count > 20 ? ", …" : ""))
        }
        for kept in counts.checkpointsKept {
            lines.append("  note: \(kept.account)/\(kept.folder) keeps PostgreSQL's checkpoint (UIDVALIDITY "
                + "\(kept.uidValidity), UID \(kept.lastUID)): the folder was read under another UIDVALIDITY since")
        }
        if messagesInHand > 0 {
            lines.append("  not copied   \(messagesInHand) message\(messagesInHand == 1 ? "" : "s") in hand "
                + "(being handled when notegate stopped): fetched and handled again from the checkpoint")
        }
        if counts.newEntries[.posting, default: 0] > 0 {
            lines.append("  note: \(counts.newEntries[.posting, default: 0]) posting: the first gateway on "
                + "PostgreSQL makes them uncertain and follows on_uncertain")
        }
        return lines.joined(separator: "\n")
    }

    private var byState: String {
        let parts = LedgerState.Name.allCases.compactMap { state in
            counts.newEntries[state].map { "\(state.rawValue) \($0)" }
        }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    private var byAction: String {
        let parts = DueAction.allCases.compactMap { action in
            counts.newDueActions[action].map { "\(action.rawValue) \($0)" }
        }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }
}
