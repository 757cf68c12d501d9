import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exclusive ownership of a ledger file by one process: a `flock` on the sidecar `<ledger>.lock`,
/// which also holds the owner's pid for the refusal message. It is released on deinit, and the kernel
/// drops it when the process dies, even by SIGKILL, so no stale lock survives a
/// crash. flock locks belong to the open file description, so a second open in the same process is
/// refused too.
final class OwnerLock: Sendable {
    private let descriptor: Int32

    init(ledgerPath: String) throws {
        let lockPath = ledgerPath + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LedgerError.lockUnavailable(path: ledgerPath, errno: errno)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw LedgerError.lockUnavailable(path: ledgerPath, errno: failure)
            }
            let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw LedgerError.inUse(path: ledgerPath, pid: holder?.isEmpty == false ? holder : nil)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    deinit {
        // Unlocked before the close: a child another thread is forking at this moment shares the open file
        // description (and with it the lock) until its exec closes it, and a close alone would leave the
        // lock held that long, so that reopening the ledger at once was refused as "in use".
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
