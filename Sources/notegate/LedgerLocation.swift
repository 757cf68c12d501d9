import ArgumentParser
import Foundation
import GatewayConfig
import Ledger

/// Where the ledger file is: the option every `ledger` subcommand shares, and the two ways to open it.
struct LedgerLocation: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (SQLite).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp("Or the config file naming it (`ledger.path`).", valueName: "file"))
    var config: String?

    /// The ledger file to open: --ledger, else the config's `ledger.path`.
    var path: String {
        get throws {
            if let ledger { return ledger }
            guard let config else { throw ValidationError("Give the ledger file with --ledger PATH or --config FILE.") }
            return try GatewayConfiguration.load(path: config).ledger.path
        }
    }

    /// A read-only view that works beside a running daemon.
    func openForReading() throws -> SQLiteLedgerReader {
        try SQLiteLedgerReader(readOnlyPath: path)
    }

    /// The ledger as its only owner; refused with `LedgerError.inUse` while the daemon runs. An
    /// operator command never creates a ledger: a mistyped path is reported, not initialized.
    func openAsOwner() throws -> SQLiteLedger {
        let path = try path
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError.missing(path: path) }
        return try SQLiteLedger(path: path)
    }
}

extension LedgerEntryID: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = Int64(argument), value > 0 else { return nil }
        self.init(rawValue: value)
    }
}

extension LedgerState.Name: ExpressibleByArgument {}
