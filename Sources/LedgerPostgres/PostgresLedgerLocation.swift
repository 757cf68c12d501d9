import Foundation
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL ledger lives and how to reach it: `ledger.url` (`postgres://user:password@host:port/db?sslmode=…`)
/// and `ledger.pool_size`. TLS follows libpq's `sslmode`: `verify-full` (the default, loopback included) checks
/// the certificate chain and the host name; `require` encrypts without checking; `disable` is accepted on
/// loopback only, where the traffic never leaves the host.
public struct PostgresLedgerLocation: Sendable, Hashable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// The most connections this instance opens to the server.
    public var poolSize: Int
    /// A CA bundle (PEM) to verify the server with instead of the system's (`sslrootcert`).
    public var rootCertificatePath: String?

    /// Parses `url`. Throws `PostgresLedgerError.invalidURL` saying what is wrong.
    public init(url: String, poolSize: Int = 4) throws {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw PostgresLedgerError.invalidURL(url: Self.redacted(url), problem: "it must start with postgres://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresLedgerError.invalidURL(url: Self.redacted(url), problem: "it names no host")
        }
        guard let username = components.user, !username.isEmpty else {
            throw PostgresLedgerError.invalidURL(url: Self.redacted(url), problem: "it names no user (postgres://USER@host/db)")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw PostgresLedgerError.invalidURL(url: Self.redacted(url), problem: "it names no database (postgres://user@host/DB)")
        }
        guard (1...1000).contains(poolSize) else {
            throw PostgresLedgerError.invalidURL(url: Self.redacted(url),
                                                 problem: "ledger.pool_size \(poolSize) is not between 1 and 1000")
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = components.user?.removingPercentEncoding ?? username
        self.password = components.password?.removingPercentEncoding
        self.database = database.removingPercentEncoding ?? database
        self.poolSize = poolSize
        let query = components.queryItems ?? []
        rootCertificatePath = query.first(where: { $0.name == "sslrootcert" })?.value
        if let mode = query.first(where: { $0.name == "sslmode" })?.value {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw PostgresLedgerError.invalidURL(
                    url: Self.redacted(url),
                    problem: "sslmode=\(mode) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sslMode = parsed
        } else {
            sslMode = .verifyFull
        }
        if sslMode == .disable && !isLoopback {
            throw PostgresLedgerError.invalidURL(
                url: Self.redacted(url),
                problem: "sslmode=disable is allowed on loopback only; \(self.host) is not loopback: use sslmode=verify-full")
        }
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        "postgres://\(username)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://…"
    }

    /// The TLS settings `sslMode` calls for, or nil for `disable`.
    private var tlsConfiguration: TLSConfiguration? {
        switch sslMode {
        case .disable:
            return nil
        case .require:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return configuration
        case .verifyFull:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            if let rootCertificatePath {
                configuration.trustRoots = .file(rootCertificatePath)
            }
            return configuration
        }
    }

    /// The pool's settings. Each pooled connection sends `applicationName` (cut to PostgreSQL's 63 bytes), when
    /// given, as its `application_name`, so that `pg_stat_activity` tells whose connections they are.
    func clientConfiguration(applicationName: String? = nil) throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database,
                                                         tls: tlsConfiguration.map { .require($0) } ?? .disable)
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        if let applicationName {
            configuration.options.additionalStartupParameters = [("application_name", Self.applicationName(applicationName))]
        }
        return configuration
    }

    /// `name` cut to the 63 bytes PostgreSQL keeps of an `application_name` (NAMEDATALEN - 1), on a character
    /// boundary.
    static func applicationName(_ name: String) -> String {
        var cut = Substring(name)
        while cut.utf8.count > 63 { cut = cut.dropLast() }
        return String(cut)
    }

    /// The `application_name` of the pool connections of the instance named `owner`: distinct from its ownership
    /// session's (`notegate <owner>`), which holds the instance's lock and which tests end alone by that name.
    static func poolApplicationName(owner: String) -> String {
        applicationName("notegate pool \(owner)")
    }

    /// One connection outside the pool, sending `parameters` (run-time settings such as `application_name`)
    /// at start-up.
    func connectionConfiguration(parameters: [(String, String)]) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        if let tlsConfiguration {
            tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
        } else {
            tls = .disable
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username,
                                                             password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = parameters
        return configuration
    }
}
