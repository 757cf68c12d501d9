import CEtPan
import CEtPanTLS

// Waiting for new mail: IDLE when the server offers it, otherwise a timed wait and NOOP.
extension IMAPConnection {
    /// Returns when the server reports something, `seconds` have passed, or `interrupt()` was called.
    func waitForChange(seconds: Int) throws {
        let session = try requireSession()
        defer { wakePipe.drain() }
        guard supportsIdle else {
            if !wakePipe.wait(milliseconds: Int32(clamping: seconds * 1000)) {
                try check(mailimap_noop(session), "NOOP")
            }
            return
        }
        try check(mailimap_idle(session), "IDLE")
        let outcome = notegate_stream_wait_readable(session.pointee.imap_stream, wakePipe.readDescriptor,
                                                    Int32(clamping: seconds * 1000))
        try check(mailimap_idle_done(session), "DONE")
        if outcome == NOTEGATE_WAIT_ERROR {
            throw IMAPError(.connectionLost, "connection to \(config.host) failed while idling")
        }
    }

    /// Makes a running or the next `waitForChange` return at once. Safe from any thread.
    nonisolated func interrupt() {
        wakePipe.wake()
    }
}
