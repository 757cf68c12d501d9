import DovecotHarness
import Foundation
import Glibc

/// A private PostgreSQL 15 on a free loopback port, in its own temporary folder, run as the `postgres`
/// user (the tests run as root, and PostgreSQL refuses root). `with` stops it and removes the folder on
/// every path; `deinit` does too, as a safety net.
///
/// `initdb` runs once per test process into a template folder that is never started; each server starts
/// from a copy of it, so a server costs a copy and a start, not an `initdb`.
public final class PostgresServer: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public let folder: String
    public let port: Int
    private var running: Bool

    /// Whether PostgreSQL 15 is installed (`make deps` installs Debian's `postgresql`).
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: binaries + "/pg_ctl")
    }

    /// Starts a server; throws, saying what failed and with the server's log, when it cannot.
    public init() throws {
        let template = try Self.template()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-postgres-\(UUID().uuidString)").path
        try Self.run("/bin/cp", ["-a", template, folder])
        port = try freePort()
        running = false
        do {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", Self.binaries + "/pg_ctl", "-D", folder + "/data",
                                               "-o", "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off",
                                               "-l", folder + "/server.log", "-w", "-t", "30", "start"])
            running = true
        } catch {
            let log = (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: folder)
            throw PostgresHarnessError("\(error)\nserver log:\n\(log)")
        }
    }

    deinit {
        stop()
    }

    /// Runs `body` with a fresh server, stopping it whatever `body` does.
    public static func with<T>(_ body: (PostgresServer) async throws -> T) async throws -> T {
        let server = try PostgresServer()
        defer { server.stop() }
        return try await body(server)
    }

    /// The URL of database `name` (created by `createDatabase`) as the `postgres` superuser, without TLS.
    public func url(database: String = "postgres") -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates an empty database.
    public func createDatabase(_ name: String) throws {
        try psql("CREATE DATABASE \"\(name)\"")
    }

    /// Runs `sql` in `database` as the superuser; returns psql's output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/bin/psql", "-q", "-X", "-A", "-t",
                                           "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)",
                                           "-d", database, "-c", sql])
    }

    /// Stops the server at once (a test's data is throwaway) and removes its folder. Idempotent.
    public func stop() {
        if running {
            running = false
            _ = try? Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", Self.binaries + "/pg_ctl", "-D", folder + "/data",
                                                "-m", "immediate", "-w", "-t", "30", "stop"])
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: - Set-up

    nonisolated(unsafe) private static var templateFolder: String?
    private static let templateLock = NSLock()

    /// The `initdb` output every server copies, made on first use in this process.
    private static func template() throws -> String {
        try templateLock.withLock {
            if let templateFolder, FileManager.default.fileExists(atPath: templateFolder + "/data/PG_VERSION") {
                return templateFolder
            }
            guard isInstalled else {
                throw PostgresHarnessError("PostgreSQL 15 is not installed (\(binaries)); run `make deps`")
            }
            let folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("notegate-postgres-template-\(getpid())").path
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try run("/bin/chown", ["postgres:postgres", folder])
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", binaries + "/initdb", "-D", folder + "/data",
                                          "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
            templateFolder = folder
            atexit {
                if let folder = PostgresServer.templateFolder {
                    try? FileManager.default.removeItem(atPath: folder)
                }
            }
            return folder
        }
    }

    /// Runs a command to its end (`SpawnedProcess.run`: Foundation's `Process` can miss the exit of a child whose
    /// grandchild lives on, as `pg_ctl start` leaves the server); throws with its output when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let completion = try SpawnedProcess.run(executable, arguments)
        guard completion.succeeded else {
            throw PostgresHarnessError("\(executable) \(arguments.joined(separator: " ")) failed "
                + "(wait status \(completion.waitStatus)): \(completion.output)")
        }
        return completion.output
    }
}

/// What went wrong starting or stopping the test PostgreSQL.
public struct PostgresHarnessError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
