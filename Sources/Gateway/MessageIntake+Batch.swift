import Ledger
import Logging

/// Group commit: a watcher's batch is marked in hand in one transaction, parsed on every core, decided in
/// UID order and recorded in one more transaction together with its folder's checkpoint.
extension MessageIntake {
    /// Ingests a batch of messages of one folder under one UIDVALIDITY, in UID order; one result per
    /// message, in the same order. The batch is recorded in one transaction with the checkpoint of its last
    /// message, so once this returns every message of it is durable and its mailbox actions may be applied.
    /// When it throws, the batch is to be handed over again.
    ///
    /// A batch holding a message that was in hand when a process died goes one message at a time through
    /// `ingest(_:)` instead, so that a poison message dies alone and is dead-lettered without its neighbours.
    public func ingest(_ batch: [IncomingMessage]) async throws -> [IntakeResult] {
        try await prepare(batch).finish()
    }

    /// The first half of `ingest(_:)` of a batch: marks the batch in hand (one transaction) and parses it on
    /// every core. It may run while the batch before it is recorded; the `PreparedIntake` records it once
    /// that batch has finished (a reply follows its thread from the ledger), or is abandoned.
    public func prepare(_ batch: [IncomingMessage]) async throws -> PreparedIntake {
        guard let last = batch.last?.location else { return PreparedIntake(self, batch, .empty) }
        guard batch.allSatisfy({ $0.location.isInFolder(of: last) }) else {
            return PreparedIntake(self, batch, .oneByOne)
        }
        // Nothing is marked when a message of the batch is in hand already: each is then counted only when its
        // own handling begins, not while it waits for the batches before it (a death meanwhile is not its).
        let pass = await gate.enterBatch()
        let marked: Bool
        do {
            marked = try await ledger.beginHandling(batch.map(\.location))
        } catch {
            await pass.release()
            throw error
        }
        guard marked else {
            await pass.release()
            logger.warning("a message of this batch was in hand when notegate stopped; handling the batch one message at a time",
                           metadata: ["first_uid": "\(batch[0].location.uid)", "last_uid": "\(last.uid)"])
            return PreparedIntake(self, batch, .oneByOne)
        }
        return PreparedIntake(self, batch, .grouped(await AcrossCores.map(batch) { examine($0) }, pass))
    }

    /// The second half of a grouped batch: decided in UID order and recorded with its checkpoint.
    fileprivate func record(_ batch: [IncomingMessage], _ examinations: [Examination]) async throws -> [IntakeResult] {
        guard let last = batch.last?.location else { return [] }
        do {
            let requests = try await concludeInUIDOrder(batch, examinations)
            let results = try await ledger.record(requests, checkpoint: Self.checkpoint(after: last))
            return zip(results, requests).map { report($0, of: $1) }
        } catch {
            // An error, not a crash: the batch is handed over again and none of it must count as poison.
            await endHandling(batch[...])
            throw error
        }
    }

    /// The batch through the single path, in order: each message marked in hand just before it is parsed.
    fileprivate func ingestOneByOne(_ batch: [IncomingMessage]) async throws -> [IntakeResult] {
        var results: [IntakeResult] = []
        for message in batch {
            results.append(try await ingest(message))
        }
        return results
    }

    /// Decides the batch's messages one after the other, in UID order. A reply that names no ticket gets
    /// the ticket of its thread: from a message earlier in the batch queued for posting (the ledger has not
    /// recorded it yet), otherwise from the ledger.
    private func concludeInUIDOrder(_ batch: [IncomingMessage],
                                    _ examinations: [Examination]) async throws -> [RecordRequest] {
        // Normalized Message-ID of a batch message queued for posting → its position and ticket.
        var queued: [String: (position: Int, ticketID: Int)] = [:]
        var requests: [RecordRequest] = []
        for (position, (message, examination)) in zip(batch, examinations).enumerated() {
            let request = try await conclude(message, examination) { thread in
                // The latest message of the thread wins, as in the ledger: the batch's are the latest.
                let inBatch = thread.compactMap { MessageKey.normalizedMessageID($0).flatMap { queued[$0] } }
                if let parent = inBatch.max(by: { $0.position < $1.position }) { return parent.ticketID }
                return try await ledger.ticketForThread(messageIDs: thread)
            }
            TestFaults.abortIfRequested(messageID: request.sighting.messageID)
            if case .post(let ticketID, _) = request.decision,
               let id = request.sighting.messageID.flatMap(MessageKey.normalizedMessageID) {
                queued[id] = (position, ticketID)
            }
            requests.append(request)
        }
        return requests
    }

    /// Releases messages marked in hand whose handling failed with an error: they will be handed over again.
    fileprivate func endHandling(_ messages: ArraySlice<IncomingMessage>) async {
        await releaseEvenIfCancelled(messages.map(\.location))
    }
}

/// A batch `MessageIntake.prepare(_:)` marked in hand and parsed (or, when a message of it was in hand when a
/// process died, left unmarked for the single path): `finish` records it, `abandon` releases it.
public struct PreparedIntake: Sendable {
    fileprivate enum Plan: Sendable {
        /// Every message marked in hand and examined: one transaction records them all. The pass is the
        /// batch's leave to be in hand, given back once it is recorded or released.
        case grouped([MessageIntake.Examination], BatchPass)
        /// An empty batch: nothing to mark or record.
        case empty
        /// Through the single path, one message at a time; none of it is marked in hand yet.
        case oneByOne
    }

    private let intake: MessageIntake
    private let batch: [IncomingMessage]
    private let plan: Plan

    fileprivate init(_ intake: MessageIntake, _ batch: [IncomingMessage], _ plan: Plan) {
        self.intake = intake
        self.batch = batch
        self.plan = plan
    }

    /// Decides the batch in UID order and records it: one result per message, in order. Call it once the
    /// batch before it (of the folder) has finished. When it throws, the batch is released, to be handed
    /// over again.
    public func finish() async throws -> [IntakeResult] {
        switch plan {
        case .grouped(let examinations, let pass):
            do {
                let results = try await intake.record(batch, examinations)
                await pass.release()
                return results
            } catch {
                await pass.release()
                throw error
            }
        case .oneByOne: return try await intake.ingestOneByOne(batch)
        case .empty: return []
        }
    }

    /// Whether no later batch may be prepared until this one has finished: it goes one message at a time, each
    /// marked in hand just before it is parsed, and a batch marked meanwhile would share the death of a poison
    /// message among them (`PreparedBatch.holdsLaterBatches`).
    public var holdsLaterBatches: Bool {
        if case .oneByOne = plan { true } else { false }
    }

    /// The batch will not be finished (the pass ended before it): releases the messages marked in hand, which
    /// will be handed over again; an abandoned batch does not count as a death.
    public func abandon() async {
        switch plan {
        case .grouped(_, let pass):
            await intake.endHandling(batch[...])
            await pass.release()
        case .oneByOne, .empty: break
        }
    }
}

extension MessageLocation {
    /// Whether `other` is a place in the same folder under the same UIDVALIDITY.
    func isInFolder(of other: MessageLocation) -> Bool {
        account == other.account && folder == other.folder && uidValidity == other.uidValidity
    }
}
