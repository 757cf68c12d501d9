import GatewayConfig
import Logging

/// Watches one folder of one mailbox and hands every new message to the pipeline, in UID order.
///
/// `run` is callback-driven: for each message it awaits the handler's `MessageOutcome`, applies the
/// configured action on the server (keep, seen, move, delete), then saves the checkpoint, so a
/// message whose outcome was not recorded is read again after a restart. New mail is noticed
/// through IDLE when the server offers it (re-issued at least every `sweep_interval_seconds`, never
/// longer than 25 minutes), otherwise by polling; every wake-up runs `UID SEARCH UID n:*`, which
/// also catches anything IDLE missed. After any connection failure it reconnects with exponential
/// backoff and jitter; errors only a configuration change can fix end `run`.
public struct MailboxWatcher: Sendable {
    public let mailbox: MailboxConfig
    public let key: MailboxKey
    private let checkpoints: any CheckpointStore
    private let logger: Logger
    private let backoff = ReconnectBackoff()
    /// Messages fetched per UID FETCH of structures.
    private let batchSize = 20

    public init(mailbox: MailboxConfig, folder: String, checkpoints: any CheckpointStore, logger: Logger) {
        self.mailbox = mailbox
        self.key = MailboxKey(account: mailbox.name, folder: folder)
        self.checkpoints = checkpoints
        var logger = logger
        logger[metadataKey: "mailbox"] = "\(mailbox.name)"
        logger[metadataKey: "folder"] = "\(folder)"
        self.logger = logger
    }

    /// Runs until the task is cancelled (then logs out and throws `CancellationError`), the handler
    /// throws, or the server refuses the configuration (`IMAPError.isRetryable` false).
    public func run(_ handle: @escaping @Sendable (FetchedMessage) async throws -> MessageOutcome) async throws {
        var failures = 0
        while true {
            let connection = IMAPConnection(config: mailbox, logger: logger)
            do {
                try await connection.open()
                failures = 0
                try await watch(connection, handle)
            } catch let error as IMAPError where error.isRetryable {
                await connection.close()
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logger.warning("IMAP connection failed; reconnecting", metadata: [
                    "error": "\(error)", "attempt": "\(failures)", "retry_in": "\(delay)",
                ])
                try await Task.sleep(for: delay)
            } catch {
                await connection.close()
                throw error
            }
        }
    }

    /// Reads the new messages once, changing nothing on the server and saving no checkpoint: what
    /// `notegate fetch` shows.
    public func peekNewMessages(limit: Int? = nil) async throws -> [FetchedMessage] {
        let connection = IMAPConnection(config: mailbox, logger: logger)
        do {
            try await connection.open()
            let (status, _, uids) = try await newUIDs(connection)
            let wanted = limit.map { Array(uids.prefix($0)) } ?? uids
            var messages: [FetchedMessage] = []
            for batch in wanted.chunked(batchSize) {
                messages += try await connection.messages(batch, in: key, uidValidity: status.uidValidity)
            }
            await connection.close()
            return messages
        } catch {
            await connection.close()
            throw error
        }
    }

    private func watch(_ connection: IMAPConnection,
                       _ handle: @escaping @Sendable (FetchedMessage) async throws -> MessageOutcome) async throws {
        let idles = await connection.supportsIdle
        let waitSeconds = idles ? min(mailbox.sweepIntervalSeconds, 25 * 60) : mailbox.pollIntervalSeconds
        while true {
            try await handleNewMessages(connection, handle)
            try Task.checkCancellation()
            try await withTaskCancellationHandler {
                try await connection.waitForChange(seconds: waitSeconds)
            } onCancel: {
                connection.interrupt()
            }
            try Task.checkCancellation()
        }
    }

    private func handleNewMessages(_ connection: IMAPConnection,
                                   _ handle: @Sendable (FetchedMessage) async throws -> MessageOutcome) async throws {
        let (status, stored, uids) = try await newUIDs(connection)
        var checkpoint = stored
        for batch in uids.chunked(batchSize) {
            for message in try await connection.messages(batch, in: key, uidValidity: status.uidValidity) {
                let outcome = try await handle(message)
                try await connection.apply(action(for: outcome), to: message.uid)
                checkpoint.lastUID = message.uid
                try await checkpoints.saveCheckpoint(checkpoint, for: key)
                logger.debug("message handled", metadata: ["uid": "\(message.uid)", "outcome": "\(outcome)"])
            }
        }
        if try await checkpoints.checkpoint(for: key) != checkpoint {
            try await checkpoints.saveCheckpoint(checkpoint, for: key)
        }
    }

    /// Selects the folder and lists the UIDs above the checkpoint. A checkpoint taken under another
    /// UIDVALIDITY no longer means anything: the folder is read again from the start, and the
    /// pipeline recognises messages it has seen by their Message-ID.
    private func newUIDs(_ connection: IMAPConnection) async throws -> (FolderStatus, Checkpoint, [UInt32]) {
        let status = try await connection.select(key.folder)
        var checkpoint = try await checkpoints.checkpoint(for: key) ?? Checkpoint(uidValidity: status.uidValidity, lastUID: 0)
        if checkpoint.uidValidity != status.uidValidity {
            logger.warning("UIDVALIDITY changed; rescanning the folder", metadata: [
                "old_uidvalidity": "\(checkpoint.uidValidity)", "uidvalidity": "\(status.uidValidity)",
            ])
            checkpoint = Checkpoint(uidValidity: status.uidValidity, lastUID: 0)
        }
        // UIDNEXT at or below the next expected UID proves there is nothing new: skip the search.
        if status.uidNext != 0 && status.uidNext <= checkpoint.lastUID + 1 {
            return (status, checkpoint, [])
        }
        return (status, checkpoint, try await connection.uids(above: checkpoint.lastUID))
    }

    private func action(for outcome: MessageOutcome) -> MailboxAction {
        switch outcome {
        case .posted: mailbox.actions.posted
        case .skipped: mailbox.actions.skipped
        case .failed: mailbox.actions.failed
        }
    }
}

extension Array {
    fileprivate func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
