import CEtPan
import CEtPanTLS
import GatewayConfig
import Logging

/// notegate's IMAP client run against a server's replies given up front, with no network: the
/// fuzz target `notegate-fuzz-imap` plays hostile servers through it. The client code is the real
/// one (`IMAPConnection` over libetpan); only the stream under it reads from memory and discards
/// what the client writes.
public enum IMAPReplay {
    /// The most messages one pass fetches, as a watcher's batch.
    static let batchSize = 20

    /// Plays one pass of a watcher against `serverReplies`: greeting, login, CAPABILITY, SELECT of
    /// the first folder, UID SEARCH, UID FETCH of structures and text, then the `posted` action on
    /// each message fetched, and LOGOUT. Returns the messages fetched, or the error that ended the
    /// pass (the replies ran out or broke the protocol).
    public static func pass(serverReplies: [UInt8], mailbox: MailboxConfig) async -> Result<[FetchedMessage], IMAPError> {
        let connection = IMAPConnection(config: mailbox, logger: Logger(label: "notegate.replay") { _ in
            SwiftLogNoOpLogHandler()
        })
        let result: Result<[FetchedMessage], IMAPError>
        do {
            result = .success(try await connection.replayPass(serverReplies))
        } catch let error as IMAPError {
            result = .failure(error)
        } catch {
            result = .failure(IMAPError(.commandFailed, "replay ended: \(error)"))
        }
        await connection.close()
        return result
    }
}

extension IMAPConnection {
    fileprivate func replayPass(_ serverReplies: [UInt8]) throws -> [FetchedMessage] {
        guard let low = serverReplies.withUnsafeBytes({ notegate_memory_stream_open($0.baseAddress, $0.count) }),
              let stream = mailstream_new(low, 8192) else {
            throw IMAPError(.connectFailed, "cannot set up a stream over the replayed replies (out of memory)")
        }
        try open(over: stream)
        let folder = config.folders.first ?? "INBOX"
        let status = try select(folder)
        let checkpoint = Checkpoint(uidValidity: status.uidValidity, lastUID: 0)
        let uids = try uids(above: checkpoint.lastUID)
        let key = MailboxKey(account: config.name, folder: folder)
        let fetched = try messages(Array(uids.prefix(IMAPReplay.batchSize)), in: key, under: checkpoint)
        try apply(config.actions.posted, to: fetched.map(\.uid))
        return fetched
    }
}
