import DovecotHarness
import Foundation
import Testing

extension DovecotSuite {
    /// The harness itself: each server starts once and is really down after `stop()`, so no test leaks one.
    @Suite struct DovecotHarnessTests {
        @Test func startingARunningServerFailsAndStopLeavesNoMasterBehind() throws {
            let server = try DovecotServer()
            defer { server.stop() }
            #expect(throws: HarnessError.self) { try server.start() }
            #expect(Self.masters(of: server).count == 1)
            server.stop()
            #expect(Self.masters(of: server).isEmpty, "a Dovecot master still runs after stop()")
            // And it can start again after a stop, as the reconnect tests do.
            try server.start()
            #expect(Self.masters(of: server).count == 1)
        }

        /// The PIDs of processes whose command line names this server's config file, less those whose
        /// parent is one of them: a child the master has just forked shows the master's command line
        /// until it execs its own program.
        static func masters(of server: DovecotServer) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            let named = Set(entries.compactMap(Int32.init).filter { pid in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                return String(decoding: data, as: UTF8.self).contains(server.configurationFile)
            })
            return named.filter { pid in parent(of: pid).map { !named.contains($0) } ?? true }.sorted()
        }

        /// The parent PID from /proc/PID/stat (the field after the parenthesised command name).
        static func parent(of pid: Int32) -> Int32? {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
            let stat = String(decoding: data, as: UTF8.self)
            guard let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 ? Int32(fields[1]) : nil
        }
    }
}
