import Foundation

/// The ledger transitions around one post attempt, as values: what the batch forms of `beginPosting` and of
/// the outcome calls (`markPosted`, `markRetrying`, ...) take, so that the transitions of several posters
/// can commit in one transaction.
public enum PostAttempt {
    /// An entry whose call is about to go out: `pending`/`retrying` → `posting`, counting the attempt and
    /// recording the hash of the note text about to be sent.
    public struct Start: Sendable, Hashable {
        public var entryID: LedgerEntryID
        public var noteHash: NoteHash

        public init(entryID: LedgerEntryID, noteHash: NoteHash) {
            self.entryID = entryID
            self.noteHash = noteHash
        }
    }

    /// How an attempt ended, as the ledger records it: each case is one of `LedgerStore`'s outcome calls.
    public enum Outcome: Sendable, Hashable {
        /// `markPosted`.
        case posted(response: String, checkpoint: MailboxCheckpoint?)
        /// `markRetrying`.
        case retrying(error: String, nextAttemptAt: Date)
        /// `markDead`.
        case dead(reason: String)
        /// `markUncertain`.
        case uncertain(error: String, policy: UncertainPolicy)
        /// `markPending`.
        case pending(error: String)
    }

    /// The outcome of one entry's attempt.
    public struct End: Sendable, Hashable {
        public var entryID: LedgerEntryID
        public var outcome: Outcome

        public init(entryID: LedgerEntryID, outcome: Outcome) {
            self.entryID = entryID
            self.outcome = outcome
        }
    }
}

/// One result per entry of a batch: the entry as saved, or why its transition was refused.
public typealias PostAttemptResults = [Result<LedgerEntry, any Error>]

extension LedgerStore {
    /// The batch form through the single calls, one transaction per entry: for a backend without a
    /// transaction of its own for the batch. An entry's error is its own result.
    public func beginPosting(_ starts: [PostAttempt.Start]) async throws -> PostAttemptResults {
        var results: PostAttemptResults = []
        for start in starts {
            do {
                results.append(.success(try await beginPosting(start.entryID, noteHash: start.noteHash)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// The batch form through the single calls, one transaction per entry: for a backend without a
    /// transaction of its own for the batch. An entry's error is its own result.
    public func endPosting(_ ends: [PostAttempt.End]) async throws -> PostAttemptResults {
        var results: PostAttemptResults = []
        for end in ends {
            do {
                results.append(.success(try await endPosting(end)))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }

    /// Records one attempt's outcome through its single call.
    @discardableResult
    public func endPosting(_ end: PostAttempt.End) async throws -> LedgerEntry {
        switch end.outcome {
        case .posted(let response, let checkpoint):
            try await markPosted(end.entryID, response: response, checkpoint: checkpoint)
        case .retrying(let error, let nextAttemptAt):
            try await markRetrying(end.entryID, error: error, nextAttemptAt: nextAttemptAt)
        case .dead(let reason):
            try await markDead(end.entryID, reason: reason)
        case .uncertain(let error, let policy):
            try await markUncertain(end.entryID, error: error, policy: policy)
        case .pending(let error):
            try await markPending(end.entryID, error: error)
        }
    }
}
