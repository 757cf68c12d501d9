import Glibc
@testable import IMAPSource
import Testing

/// The pipe that interrupts a connection's wait: when it cannot be made (no file descriptors left), the
/// connection fails with a retryable error, so the watcher reconnects later instead of the process crashing.
@Suite struct WakePipeTests {
    @Test func aPipeThatCannotBeMadeIsARetryableIMAPErrorNotACrash() throws {
        let pipe = WakePipe { _ in
            errno = EMFILE
            return -1
        }
        let error = try #require(throws: IMAPError.self) { try pipe.requireUsable(host: "imap.example.com") }
        #expect(error.isRetryable)
        #expect(error.code == .connectFailed)
        #expect(error.message.contains("imap.example.com"))
        #expect(error.message.contains("errno \(EMFILE)"))
        #expect(error.message.contains("LimitNOFILE="))
        // An unusable pipe is inert: waking, draining and a zero wait do nothing and do not trap.
        pipe.wake()
        #expect(!pipe.drain())
        #expect(!pipe.wait(milliseconds: 0))
    }

    @Test func aWakeUpSentBeforeTheWaitIsSeenOnce() throws {
        let pipe = WakePipe()
        try pipe.requireUsable(host: "imap.example.com")
        #expect(!pipe.wait(milliseconds: 0))
        pipe.wake()
        pipe.wake()
        #expect(pipe.wait(milliseconds: 0))
        #expect(!pipe.wait(milliseconds: 0))
    }
}
