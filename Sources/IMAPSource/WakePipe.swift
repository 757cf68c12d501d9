import Glibc

/// A pipe another thread writes to so that a connection stops waiting (in IDLE or between polls).
/// A wake-up stays pending until the waiter has seen it, so one sent just before a wait starts is
/// not lost.
///
/// Making the pipe can fail (the process is out of file descriptors): the pipe is then unusable and
/// `requireUsable` throws a retryable `IMAPError`, so the connection is dropped and tried again
/// later instead of the process crashing.
final class WakePipe: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    /// The errno of the failed `pipe()`, or 0.
    private let creationError: Int32

    /// `makePipe` stands for `pipe(2)` (tests give one that fails); it returns 0 or -1 with errno set.
    init(makePipe: (UnsafeMutablePointer<Int32>) -> Int32 = { pipe($0) }) {
        var descriptors: [Int32] = [-1, -1]
        guard descriptors.withUnsafeMutableBufferPointer({ makePipe($0.baseAddress!) }) == 0 else {
            creationError = errno
            readDescriptor = -1
            writeDescriptor = -1
            return
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        creationError = 0
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        if readDescriptor >= 0 { close(readDescriptor) }
        if writeDescriptor >= 0 { close(writeDescriptor) }
    }

    /// Throws when the pipe could not be made; call before relying on it for a connection to `host`.
    func requireUsable(host: String) throws {
        guard creationError != 0 else { return }
        throw IMAPError(.connectFailed, "cannot make the wake-up pipe for the connection to \(host): "
            + "\(String(cString: strerror(creationError))) (errno \(creationError)); notegate will reconnect. "
            + "If this repeats, the process is out of file descriptors: raise its limit (LimitNOFILE=).")
    }

    func wake() {
        guard writeDescriptor >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Consumes pending wake-ups; returns whether there was any.
    @discardableResult
    func drain() -> Bool {
        guard readDescriptor >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        var woken = false
        while read(readDescriptor, &buffer, buffer.count) > 0 {
            woken = true
        }
        return woken
    }

    /// Waits up to `milliseconds` for a wake-up; returns whether one came.
    func wait(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: readDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0 && drain()
    }
}
