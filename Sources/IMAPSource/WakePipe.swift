import Glibc

/// A pipe another thread writes to so that a connection stops waiting (in IDLE or between polls).
/// A wake-up stays pending until the waiter has seen it, so one sent just before a wait starts is
/// not lost.
final class WakePipe: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) != 0 {
            fatalError("cannot create a pipe: errno \(errno)")
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Consumes pending wake-ups; returns whether there was any.
    @discardableResult
    func drain() -> Bool {
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
