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

/// Keeps checkpoints between runs. The ledger implements it for the gateway. The watcher saves a
/// checkpoint when it first selects a folder (fixing `startUID`, or after a UIDVALIDITY change). After
/// each message it saves one only if the pipeline does not already advance the checkpoint in the
/// transaction that records the message's outcome (`advancesWithOutcome`), so a checkpoint has one
/// writer per message.
public protocol CheckpointStore: Sendable {
    func checkpoint(for mailbox: MailboxKey) async throws -> Checkpoint?
    func saveCheckpoint(_ checkpoint: Checkpoint, for mailbox: MailboxKey) async throws
    /// True when recording a message's outcome also moves the checkpoint past it (the ledger): the
    /// watcher then never saves a checkpoint for a handled message. False by default.
    var advancesWithOutcome: Bool { get }
}

extension CheckpointStore {
    public var advancesWithOutcome: Bool { false }
}

extension UInt32 {
    /// The UID after this one, or nil after the highest possible UID (4294967295), where no further
    /// message can arrive under the same UIDVALIDITY.
    public var followingUID: UInt32? {
        self == .max ? nil : self + 1
    }
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
