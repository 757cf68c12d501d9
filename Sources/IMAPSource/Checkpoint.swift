/// One folder of one account: the unit a checkpoint is kept for.
public struct MailboxKey: Hashable, Sendable, Codable {
    /// The mailbox's `name` from the config.
    public var account: String
    public var folder: String

    public init(account: String, folder: String) {
        self.account = account
        self.folder = folder
    }
}

/// How far a folder has been read: every UID up to `lastUID` under `uidValidity` has been handled.
/// `startUID` is the first-start boundary: messages below it were in the folder before notegate
/// first read it (see `MailboxConfig.StartFrom`). It is fixed when the checkpoint is first saved
/// and stays the same for as long as the UIDVALIDITY does.
public struct Checkpoint: Sendable, Equatable, Codable {
    public var uidValidity: UInt32
    public var lastUID: UInt32
    /// 0 when every message counts.
    public var startUID: UInt32

    public init(uidValidity: UInt32, lastUID: UInt32, startUID: UInt32 = 0) {
        self.uidValidity = uidValidity
        self.lastUID = lastUID
        self.startUID = startUID
    }
}

/// Keeps checkpoints between runs. The ledger implements it for the gateway. A checkpoint is saved
/// when the watcher first selects a folder (fixing `startUID`) and after each message's outcome
/// has been recorded and its action, if any, applied.
public protocol CheckpointStore: Sendable {
    func checkpoint(for mailbox: MailboxKey) async throws -> Checkpoint?
    func saveCheckpoint(_ checkpoint: Checkpoint, for mailbox: MailboxKey) async throws
}

/// Checkpoints held in memory, lost when the process ends: for `notegate fetch` and tests.
public actor InMemoryCheckpointStore: CheckpointStore {
    private var checkpoints: [MailboxKey: Checkpoint]

    public init(_ checkpoints: [MailboxKey: Checkpoint] = [:]) {
        self.checkpoints = checkpoints
    }

    public func checkpoint(for mailbox: MailboxKey) -> Checkpoint? {
        checkpoints[mailbox]
    }

    public func saveCheckpoint(_ checkpoint: Checkpoint, for mailbox: MailboxKey) {
        checkpoints[mailbox] = checkpoint
    }
}
