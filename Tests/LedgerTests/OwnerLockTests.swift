import Foundation
import Testing
@testable import Ledger
#if canImport(Glibc)
import Glibc
#endif

@Suite struct OwnerLockTests {
    /// A child forked by another thread shares the lock's open file description until its exec closes it:
    /// a ledger closed and opened again at that moment must not be refused as "in use" by the process that
    /// just let it go. (With a close alone, about a quarter of the reopens below were refused.)
    @Test func aLedgerLetGoCanBeTakenAgainAtOnceWhileAnotherThreadStartsChildren() throws {
        let fixture = try LedgerFixture()
        let spawning = Spawner()
        spawning.start()
        defer { spawning.stop() }
        // The reopens must overlap the spawning, however slowly the spawner's thread is scheduled: wait for
        // its first child, then reopen at least 2,000 times and until a hundred more children have started.
        try spawning.waitForChildren(1)
        let childrenBefore = spawning.children
        var refused = 0
        var reopens = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while reopens < 2_000 || (spawning.children < childrenBefore + 100 && ContinuousClock.now < deadline) {
            reopens += 1
            do {
                _ = try OwnerLock(ledgerPath: fixture.path)
            } catch let error as LedgerError {
                refused += 1
                Issue.record("reopen \(reopens) refused: \(error)")
                if refused >= 5 { break }
            }
        }
        #expect(refused == 0)
        #expect(spawning.children >= childrenBefore + 100 || refused > 0,
                "only \(spawning.children - childrenBefore) children were started beside \(reopens) reopens")
    }
}

/// Starts `/bin/true` again and again on a thread of its own.
private final class Spawner: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var started = 0
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    var children: Int { lock.withLock { started } }

    /// Returns once `count` children have started; throws after 60 s without them.
    func waitForChildren(_ count: Int) throws {
        let deadline = Date().addingTimeInterval(60)
        while children < count {
            guard Date() < deadline else { throw SpawnerError.noChildStarted(count) }
            usleep(1_000)
        }
    }

    func start() {
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                var pid: pid_t = 0
                let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
                defer { argv.forEach { free($0) } }
                if posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 {
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                    lock.withLock { started += 1 }
                }
            }
            finished.signal()
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock { running = false }
        finished.wait()
    }
}

private enum SpawnerError: Error {
    case noChildStarted(Int)
}
