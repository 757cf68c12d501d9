import Foundation

/// The state of the pretend LeadSquared account behind a ``SandboxServer``: the notes it accepted, its call
/// counts, its limiter and the faults in force. Tests read and steer it directly or over `/sandbox/…`.
public actor SandboxAccount {
    public nonisolated let configuration: SandboxConfiguration
    private var limiter: SlidingWindowLimiter?
    private var recorded: [RecordedNote] = []
    private var lastSequence = 0
    private var counts = SandboxStats()
    private var heldCalls: [Int: Task<Void, Never>] = [:]
    private var lastHeldCall = 0
    private var releasing = false

    /// The faults in force; change them with ``setFaults(_:)``.
    public private(set) var faults: SandboxFaults

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        limiter = configuration.callLimit.map(SlidingWindowLimiter.init)
        faults = configuration.faults
    }

    /// Every note accepted and not cleared, oldest first.
    public func notes() -> [RecordedNote] { recorded }

    /// Forgets the notes accepted so far (sequence numbers keep counting).
    public func clearNotes() { recorded.removeAll() }

    /// The answers given so far, by kind.
    public func stats() -> SandboxStats { counts }

    /// Replaces the faults in force; refuses settings whose ``SandboxFaults/problem`` is not `nil`.
    public func setFaults(_ faults: SandboxFaults) throws(InvalidFaults) {
        if let problem = faults.problem { throw InvalidFaults(description: problem) }
        self.faults = faults
    }

    /// Applies the call limit to one call of `key`: the message of the 429 to send, or `nil` to go on.
    func admit(key: String) -> String? {
        guard var limiter else { return nil }
        defer { self.limiter = limiter }
        return limiter.allow(key: key, at: .now) ? nil : limiter.exceededMessage
    }

    /// Records an accepted note.
    func record(_ note: SubmittedNote) {
        lastSequence += 1
        recorded.append(
            RecordedNote(sequence: lastSequence, ticketID: note.ticketID, text: note.text, receivedAt: Date())
        )
    }

    /// Holds a call for `duration`, or less once the server stops (``releaseHeldCalls()``); returns at once if
    /// it is stopping already.
    func hold(for duration: Duration) async {
        guard !releasing else { return }
        lastHeldCall += 1
        let id = lastHeldCall
        let held = Task { _ = try? await Task.sleep(for: duration) }
        heldCalls[id] = held
        await withTaskCancellationHandler { await held.value } onCancel: { held.cancel() }
        heldCalls[id] = nil
    }

    /// Cuts every held call short, and every later one, so the server can stop without waiting them out.
    func releaseHeldCalls() {
        releasing = true
        for held in heldCalls.values { held.cancel() }
        heldCalls.removeAll()
    }

    /// Counts an answer (or a silence) by kind.
    func count(_ answer: WritableKeyPath<SandboxStats, Int>) {
        counts[keyPath: answer] += 1
    }
}
