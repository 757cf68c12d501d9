import IMAPSource
import Ledger

/// The ledger as the IMAP source's checkpoint store: checkpoints live in the same SQLite file as
/// the messages, and recording a message's outcome moves its folder's checkpoint in the same
/// transaction (`MessageIntake`), so the watcher only saves the first-start boundary.
struct LedgerCheckpointStore: CheckpointStore {
    let ledger: any LedgerStore

    var advancesWithOutcome: Bool { true }

    func checkpoint(for mailbox: MailboxKey) async throws -> Checkpoint? {
        try await ledger.checkpoint(account: mailbox.account, folder: mailbox.folder).map {
            Checkpoint(uidValidity: $0.uidValidity, lastUID: $0.lastUID, startUID: $0.startUID)
        }
    }

    func saveCheckpoint(_ checkpoint: Checkpoint, for mailbox: MailboxKey) async throws {
        try await ledger.saveCheckpoint(MailboxCheckpoint(account: mailbox.account, folder: mailbox.folder,
                                                          uidValidity: checkpoint.uidValidity,
                                                          lastUID: checkpoint.lastUID,
                                                          startUID: checkpoint.startUID))
    }
}

/// The ledger as one folder's durable action queue: the mailbox actions the ledger recorded with each
/// outcome (skipped, posted, dead), until the watcher has applied them.
struct LedgerSettledActions: SettledActionStore {
    let ledger: any LedgerStore
    let mailbox: MailboxKey

    func settledActions() async throws -> [SettledAction] {
        try await ledger.dueActions(account: mailbox.account, folder: mailbox.folder).map {
            SettledAction(uid: $0.location.uid, uidValidity: $0.location.uidValidity, outcome: $0.action.outcome)
        }
    }

    func actionsApplied(_ actions: [SettledAction]) async throws {
        try await ledger.actionsApplied(actions.compactMap { settled in
            DueAction(settled.outcome).map {
                DueMailboxAction(location: MessageLocation(account: mailbox.account, folder: mailbox.folder,
                                                           uidValidity: settled.uidValidity, uid: settled.uid),
                                 action: $0)
            }
        })
    }
}

extension DueAction {
    var outcome: MessageOutcome {
        switch self {
        case .posted: .posted
        case .skipped: .skipped
        case .failed: .failed
        }
    }

    init?(_ outcome: MessageOutcome) {
        switch outcome {
        case .posted: self = .posted
        case .skipped: self = .skipped
        case .failed: self = .failed
        case .deferred: return nil
        }
    }
}
