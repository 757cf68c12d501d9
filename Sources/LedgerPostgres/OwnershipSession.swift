import Foundation
import Logging
import PostgresNIO

/// The database session, outside the pool, that holds this instance's session advisory locks: one on its
/// instance name (so two running processes never share a name) and one per mailbox folder it watches.
///
/// PostgreSQL releases a session's advisory locks the moment the session ends: when the process is killed the
/// kernel closes its socket and another instance can take the folders at once; when the host vanishes, the
/// server's TCP keepalives (set for this session: 10 s idle, then 3 probes 5 s apart, and a 25 s limit on
/// unacknowledged data) end the session within 30 s. This side checks the session every `checkInterval` and,
/// when it does not answer within `checkTimeout`, gives every folder up at once: it stops watching before the
/// server can hand the folders to another instance.
actor OwnershipSession {
    struct Folder: Hashable {
        let account: String
        let folder: String
    }

    let location: PostgresLedgerLocation
    let owner: String
    private let logger: Logger
    private var connection: PostgresConnection?
    private var connecting: Task<PostgresConnection, any Error>?
    private var held: Set<Folder> = []
    private var monitor: Task<Void, Never>?
    private var isClosed = false
    static let checkInterval: Duration = .seconds(5)
    static let checkTimeout: Duration = .seconds(5)

    init(location: PostgresLedgerLocation, owner: String, logger: Logger) {
        self.location = location
        self.owner = owner
        self.logger = logger
    }

    deinit {
        monitor?.cancel()
        if let connection {
            // Kept until closed: a connection released before its close completes traps in debug builds.
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    /// Connects and takes the instance name. A name still held is asked for again every second for up to
    /// `nameWait`: the session of a process killed a moment ago (restarted under the same name) ends within
    /// milliseconds, one on a host that vanished within 30 s. Then throws `PostgresLedgerError.instanceNameInUse`:
    /// another running process has the name.
    func start(nameWait: Duration) async throws {
        let deadline = ContinuousClock.now + nameWait
        while true {
            do {
                _ = try await session()
                break
            } catch let error as PostgresLedgerError where error.isInstanceNameInUse && ContinuousClock.now < deadline {
                logger.warning("the instance name is held by another session; waiting for it to end",
                               metadata: ["instance": "\(owner)"])
                try await Task.sleep(for: .seconds(1))
            }
        }
        monitor = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.checkInterval)
                guard !Task.isCancelled, let self else { return }
                await self.check()
            }
        }
    }

    /// Takes the folder's lock unless another session holds it.
    func acquire(_ folder: Folder) async throws -> Bool {
        if held.contains(folder) { return true }
        let connection = try await session()
        let rows = try await connection.query(
            "SELECT pg_try_advisory_lock(hashtextextended(\(Self.lockName(folder)), 0))", logger: logger).collect()
        guard try rows.first?.decode(Bool.self) == true else { return false }
        // The session may have broken meanwhile: then the lock went with it.
        guard self.connection === connection else { return false }
        guard held.insert(folder).inserted else {
            // A concurrent acquire took it first; the session's locks count, so give this one back.
            try await connection.query(
                "SELECT pg_advisory_unlock(hashtextextended(\(Self.lockName(folder)), 0))", logger: logger)
            return true
        }
        try await connection.query("""
            INSERT INTO folder_owners(account, folder, owner, since)
            VALUES (\(folder.account), \(folder.folder), \(owner), clock_timestamp())
            ON CONFLICT (account, folder) DO UPDATE SET owner = EXCLUDED.owner, since = EXCLUDED.since
            """, logger: logger)
        return true
    }

    /// The instance `folder_owners` names for the folder, if any.
    func recordedOwner(of folder: Folder) async throws -> String? {
        let connection = try await session()
        let rows = try await connection.query(
            "SELECT owner FROM folder_owners WHERE account = \(folder.account) AND folder = \(folder.folder)",
            logger: logger).collect()
        return try rows.first?.decode(String.self)
    }

    func holds(_ folder: Folder) -> Bool {
        if connection?.isClosed == true {
            dropSession(reason: "the database closed the session")
        }
        return held.contains(folder)
    }

    func release(_ folder: Folder) async {
        guard held.remove(folder) != nil, let connection else { return }
        _ = try? await connection.query(
            "SELECT pg_advisory_unlock(hashtextextended(\(Self.lockName(folder)), 0))", logger: logger)
    }

    /// Gives every lock back and ends the session. The locks are given back explicitly (within a second) rather
    /// than left to the session's end: a child process that inherited the socket (a secret command, a test's
    /// server) keeps the connection, and the session with it, open after this side closes it.
    func close() async {
        isClosed = true
        monitor?.cancel()
        connecting?.cancel()
        held.removeAll()
        if let connection {
            let logger = logger
            _ = try? await withinDeadline(.seconds(1)) {
                try await connection.query("SELECT pg_advisory_unlock_all()", logger: logger)
            }
            try? await connection.close()
        }
        connection = nil
    }

    // MARK: - The session

    private static func lockName(_ folder: Folder) -> String {
        "notegate folder\n\(folder.account)\n\(folder.folder)"
    }

    private static func instanceLockName(_ owner: String) -> String {
        "notegate instance\n\(owner)"
    }

    /// The open session, connecting (and taking the instance name) when there is none.
    private func session() async throws -> PostgresConnection {
        if let connection {
            guard connection.isClosed else { return connection }
            dropSession(reason: "the database closed the session")
        }
        guard !isClosed else { throw PostgresLedgerError("the ledger of instance \(owner) is closed") }
        if let connecting { return try await connecting.value }
        let task = Task { [location, owner, logger] in
            try await Self.connect(location: location, owner: owner, logger: logger)
        }
        connecting = task
        defer { connecting = nil }
        let connection = try await task.value
        guard !isClosed else {
            try? await connection.close()
            throw PostgresLedgerError("the ledger of instance \(owner) is closed")
        }
        self.connection = connection
        return connection
    }

    private static func connect(location: PostgresLedgerLocation, owner: String, logger: Logger) async throws
        -> PostgresConnection {
        let configuration = try location.connectionConfiguration(parameters: [
            ("application_name", String("notegate \(owner)".prefix(63))),
            ("tcp_keepalives_idle", "10"), ("tcp_keepalives_interval", "5"), ("tcp_keepalives_count", "3"),
            ("tcp_user_timeout", "25000"),
        ])
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(hashtextextended(\(instanceLockName(owner)), 0))", logger: logger).collect()
            guard try rows.first?.decode(Bool.self) == true else {
                throw PostgresLedgerError.instanceNameInUse(owner: owner, location: location.description)
            }
            return connection
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Asks the session for `SELECT 1`; a session that does not answer within `checkTimeout` is dropped.
    private func check() async {
        guard let connection, !isClosed else { return }
        guard !connection.isClosed else { return dropSession(reason: "the database closed the session") }
        let logger = logger
        let answered = await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await connection.query("SELECT 1", logger: logger)) != nil }
            group.addTask {
                try? await Task.sleep(for: Self.checkTimeout)
                return false
            }
            let answered = await group.next() ?? false
            group.cancelAll()
            return answered
        }
        guard !answered, self.connection === connection else { return }
        dropSession(reason: "the ledger database did not answer within \(Self.checkTimeout)")
    }

    /// Forgets the session and every folder it held; they are taken again through a new session.
    private func dropSession(reason: String) {
        guard let connection else { return }
        if !held.isEmpty {
            logger.error("""
                lost the database session holding this instance's mailbox folders; they are given up until it is \
                back, and another instance may take them over
                """,
                metadata: ["reason": "\(reason)", "folders": "\(held.count)"])
        }
        held.removeAll()
        self.connection = nil
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
