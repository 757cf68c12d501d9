import IMAPSource
import Ledger

/// The ledger as the IMAP source's checkpoint store: checkpoints live in the same SQLite file as
/// the messages, so a message's record and its checkpoint move together.
struct LedgerCheckpointStore: CheckpointStore {
    let ledger: any LedgerStore

    func checkpoint(for mailbox: MailboxKey) async throws -> Checkpoint? {
        try await ledger.checkpoint(account: mailbox.account, folder: mailbox.folder).map {
            Checkpoint(uidValidity: $0.uidValidity, lastUID: $0.lastUID)
        }
    }

    func saveCheckpoint(_ checkpoint: Checkpoint, for mailbox: MailboxKey) async throws {
        try await ledger.saveCheckpoint(MailboxCheckpoint(account: mailbox.account, folder: mailbox.folder,
                                                          uidValidity: checkpoint.uidValidity,
                                                          lastUID: checkpoint.lastUID))
    }
}
