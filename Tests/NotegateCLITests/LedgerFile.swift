import Foundation
import Ledger

/// A real ledger file in a fresh temporary folder, filled through the `Ledger` API and then released,
/// so the `notegate` process under test can own it.
final class LedgerFile: Sendable {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-cli-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    var path: String { folder.appendingPathComponent("notegate.sqlite").path }

    /// Owns the ledger with a clock stopped at `time` for the duration of `body`, then releases it.
    @discardableResult
    func write<T>(at time: Date, _ body: (SQLiteLedger) async throws -> T) async throws -> T {
        let ledger = try SQLiteLedger(path: path, clock: { time })
        return try await body(ledger)
    }

    /// The entry as the ledger now holds it, read beside any owner.
    func entry(_ id: LedgerEntryID) async throws -> LedgerEntry? {
        try await SQLiteLedgerReader(readOnlyPath: path).entry(id)
    }
}

extension SQLiteLedger {
    /// Records a message seen in `folder` with `decision`, and returns its id.
    @discardableResult
    func record(
        _ messageID: String, subject: String, decision: LedgerDecision, folder: String = "INBOX", uid: UInt32 = 1
    ) async throws -> LedgerEntryID {
        let sighting = MessageSighting(
            key: MessageKey(messageID: messageID, from: "", date: "", subject: "", body: ""),
            messageID: messageID, subject: subject, from: "Dana <dana@vendor.example>",
            location: MessageLocation(account: "support", folder: folder, uidValidity: 7, uid: uid))
        switch try await record(sighting, decision: decision, checkpoint: nil) {
        case .new(let id), .alreadySeen(let id, _): return id
        }
    }
}
