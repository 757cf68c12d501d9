import Foundation
import LeadSquared
import Ledger
import Logging
import PostgresNIO

/// The call limit of one LeadSquared access key, shared by every notegate instance on one PostgreSQL ledger: the
/// same slots as ``CallWindow`` (as many as calls per window; a call holds its slot from the grant until one window
/// after its answer arrived; after a 429 nothing is granted for the pause), kept in `rate_slots` and `rate_keys`
/// and timed by the database's clock, so any number of instances together never exceed the limit.
///
/// Each grant is one atomic `UPDATE` that takes the free slot reusable longest ago (`FOR UPDATE SKIP LOCKED`).
/// When none is free, one task per instance waits until the earliest moment one can be, while the instance's
/// other callers queue behind it in order. The tables hold only the SHA-256 of the access key, never the key.
///
/// An instance that dies holding slots does not lose them for good: a grant counts as released
/// `callTimeout + holdMargin` after it was made (no call of the client outlives its timeout), so the slot is
/// reusable one window after that; and an instance starting under the same owner name releases at once what it
/// held before (``prepare()``, run before its first grant).
public actor PostgresCallSlots: CallGate {
    /// The instance whose calls hold the slots this gate grants (`rate_slots.held_by`).
    public nonisolated let owner: String
    public nonisolated let limit: RateLimit
    /// How long a grant counts as held when it is never handed back: the call timeout plus the margin.
    public nonisolated let hold: Duration
    /// The SHA-256 (lower-case hex) of the access key: the rows' key.
    nonisolated let keyHash: String
    private let client: PostgresClient
    private let location: String
    private let logger: Logger
    private let onWait: (@Sendable (Duration) -> Void)?
    private var prepared = false
    /// Whether a task of this instance is asking the database for a slot; the others wait for their turn here.
    private var turnTaken = false
    private var turnWaiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiter = 0

    /// What a grant's hold adds to the call timeout: the time between the grant and the request going out
    /// (recording the attempt in the ledger), and the answer's last bytes.
    public static let defaultHoldMargin: Duration = .seconds(10)
    /// The shortest pause before asking again after a grant found nothing free although a slot should be
    /// (another instance was taking it at that moment).
    static let retryPause: Duration = .milliseconds(5)

    /// The slots of `configuration`'s access key and rate limit, in `ledger`'s database, held under the ledger's
    /// owner name; a grant is held at most `configuration.requestTimeout + holdMargin`. `onWait` is told, as each
    /// call that had to wait is granted, how long it waited (for metrics).
    public init(ledger: PostgresLedger, configuration: LeadSquaredClient.Configuration,
                holdMargin: Duration = defaultHoldMargin, onWait: (@Sendable (Duration) -> Void)? = nil) {
        self.init(client: ledger.client, location: ledger.location.description, owner: ledger.owner,
                  accessKey: configuration.accessKey.reveal(), limit: configuration.rateLimit,
                  hold: configuration.requestTimeout + holdMargin,
                  logger: ledger.logger, onWait: onWait)
    }

    init(client: PostgresClient, location: String, owner: String, accessKey: String, limit: RateLimit,
         hold: Duration, logger: Logger, onWait: (@Sendable (Duration) -> Void)?) {
        self.client = client
        self.location = location
        self.owner = owner
        self.keyHash = Self.keyHash(accessKey: accessKey)
        self.limit = limit
        self.hold = hold
        self.logger = logger
        self.onWait = onWait
    }

    /// The SHA-256 (lower-case hex) of the access key's UTF-8, the only form of the key the database sees.
    public static func keyHash(accessKey: String) -> String {
        NoteHash(noteText: accessKey).rawValue
    }

    // MARK: - CallGate

    /// Waits until the database grants a slot. Throws `CancellationError` when cancelled, and
    /// `PostgresLedgerError` when the database cannot be asked.
    public func acquire() async throws -> CallPermit {
        let asked = ContinuousClock.now
        var waited = turnTaken
        try await takeTurn()
        defer { passTurn() }
        try await prepareOnce()
        while true {
            try Task.checkCancellation()
            if let permit = try await grant() {
                if waited { onWait?(asked.duration(to: .now)) }
                return permit
            }
            waited = true
            try await Task.sleep(for: max(try await untilNextChance(), Self.retryPause))
        }
    }

    /// Hands the slot back: reusable one window from now on the database's clock. When the database cannot be
    /// reached the slot comes back on its own once its hold ends.
    public func release(_ permit: CallPermit) async {
        let statement: PostgresQuery = """
            UPDATE rate_slots
            SET held_by = NULL, reusable_at = clock_timestamp() + \(limit.window.seconds) * interval '1 second'
            WHERE key_hash = \(keyHash) AND slot = \(permit.slot) AND grant_id = \(permit.grant) AND held_by = \(owner)
            RETURNING slot
            """
        // Not cancelled with the caller: a slot not handed back stays held until its hold ends.
        let released = Task { [client, logger] in try await client.query(statement, logger: logger).collect().count }
        do {
            if try await released.value == 0 {
                let message = "a call outlived its call slot's hold of \(hold) and the slot was granted again, so the "
                    + "rate limit may have been exceeded once; if this repeats, raise leadsquared.timeout_seconds"
                logger.warning("\(message)", metadata: ["slot": "\(permit.slot)"])
            }
        } catch {
            let message = "cannot hand back a call slot in the ledger database \(location): "
                + "\(String(reflecting: error)); it is reusable again once its hold of \(hold) ends"
            logger.warning("\(message)", metadata: ["slot": "\(permit.slot)"])
        }
    }

    /// Grants nothing, to any instance, for `duration` from now on the database's clock.
    public func pause(for duration: Duration) async {
        let statement: PostgresQuery = """
            UPDATE rate_keys
            SET paused_until = GREATEST(paused_until, clock_timestamp() + \(duration.seconds) * interval '1 second')
            WHERE key_hash = \(keyHash)
            """
        let paused = Task { [client, logger] in try await client.query(statement, logger: logger) }
        do {
            _ = try await paused.value
        } catch {
            let message = "cannot record the pause after a 429 in the ledger database \(location): "
                + "\(String(reflecting: error)); other instances may call again before \(duration) have passed"
            logger.warning("\(message)")
        }
    }

    // MARK: - Slots

    /// Makes the key's slots match the limit (adding missing ones, removing unused ones beyond it) and releases
    /// the slots this owner held before a restart (reusable one window later). Runs before the first grant;
    /// call it earlier to have it done at start-up.
    public func prepare() async throws {
        let window = limit.window.seconds
        try await database("set up the call slots") { [client, logger, keyHash, limit, owner] in
            try await client.query(
                "INSERT INTO rate_keys(key_hash) VALUES (\(keyHash)) ON CONFLICT DO NOTHING", logger: logger)
            try await client.query("""
                INSERT INTO rate_slots(key_hash, slot)
                SELECT \(keyHash), slot FROM generate_series(0, \(limit.calls - 1)) AS slot
                ON CONFLICT DO NOTHING
                """, logger: logger)
            // A slot beyond a lowered limit goes once it carries nothing; until then no instance with the new
            // limit grants it.
            try await client.query("""
                DELETE FROM rate_slots
                WHERE key_hash = \(keyHash) AND slot >= \(limit.calls) AND reusable_at <= clock_timestamp()
                """, logger: logger)
            try await client.query("""
                UPDATE rate_slots SET held_by = NULL,
                    reusable_at = LEAST(reusable_at, clock_timestamp() + \(window) * interval '1 second')
                WHERE key_hash = \(keyHash) AND held_by = \(owner)
                """, logger: logger)
        }
        prepared = true
    }

    private func prepareOnce() async throws {
        if !prepared { try await prepare() }
    }

    /// One atomic statement: the free slot reusable longest ago, unless the key is paused; nil when none is.
    private func grant() async throws -> CallPermit? {
        let heldFor = (hold + limit.window).seconds
        let statement: PostgresQuery = """
            UPDATE rate_slots AS s SET held_by = \(owner), grant_id = s.grant_id + 1, granted_at = clock_timestamp(),
                reusable_at = clock_timestamp() + \(heldFor) * interval '1 second'
            WHERE (s.key_hash, s.slot) = (
                SELECT f.key_hash, f.slot FROM rate_slots AS f
                WHERE f.key_hash = \(keyHash) AND f.slot < \(limit.calls) AND f.reusable_at <= clock_timestamp()
                    AND NOT EXISTS (SELECT 1 FROM rate_keys AS k
                                    WHERE k.key_hash = \(keyHash) AND k.paused_until > clock_timestamp())
                ORDER BY f.reusable_at, f.slot LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING s.slot, s.grant_id
            """
        return try await database("take a call slot") { [client, logger] in
            let rows = try await client.query(statement, logger: logger)
            for try await (slot, grant) in rows.decode((Int32, Int64).self) {
                return CallPermit(slot: Int(slot), grant: grant)
            }
            return nil
        }
    }

    /// How long until a slot can be free: the earliest reusable moment of an idle slot; for a held slot, one
    /// window from now (its release cannot make it reusable sooner) unless its hold ends first; and not before the
    /// pause ends.
    private func untilNextChance() async throws -> Duration {
        let statement: PostgresQuery = """
            SELECT EXTRACT(EPOCH FROM GREATEST(
                (SELECT paused_until FROM rate_keys WHERE key_hash = \(keyHash)),
                (SELECT min(LEAST(reusable_at,
                                  CASE WHEN held_by IS NOT NULL
                                  THEN clock_timestamp() + \(limit.window.seconds) * interval '1 second' END))
                 FROM rate_slots WHERE key_hash = \(keyHash) AND slot < \(limit.calls))
            ) - clock_timestamp())::float8
            """
        let seconds = try await database("look for the next free call slot") { [client, logger] in
            for try await seconds in try await client.query(statement, logger: logger).decode(Double?.self) {
                return seconds
            }
            return nil
        }
        guard let seconds else {
            // The key's rows are gone (removed by hand): set them up again before the next grant.
            prepared = false
            try await prepareOnce()
            return .zero
        }
        // A millisecond late rather than a round trip early.
        return .milliseconds(max(0, Int64((seconds * 1000).rounded(.up))) + 1)
    }

    /// Runs `work` against the database, turning its failures into a `PostgresLedgerError` that says what failed.
    private func database<T: Sendable>(_ action: String,
                                       _ work: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PostgresLedgerError("cannot \(action) in the ledger database \(location) for the LeadSquared rate "
                + "limit: \(String(reflecting: error)); check that PostgreSQL is running and reachable")
        }
    }

    // MARK: - Turns

    /// Waits until no other task of this instance is asking the database for a slot.
    private func takeTurn() async throws {
        guard turnTaken else {
            turnTaken = true
            return
        }
        let id = nextWaiter
        nextWaiter += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    turnWaiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelTurnWaiter(id) }
        }
    }

    /// Hands the turn to the next waiting task, in the order they asked.
    private func passTurn() {
        if turnWaiters.isEmpty {
            turnTaken = false
        } else {
            turnWaiters.removeFirst().continuation.resume()
        }
    }

    private func cancelTurnWaiter(_ id: Int) {
        guard let index = turnWaiters.firstIndex(where: { $0.id == id }) else { return }
        turnWaiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

extension Duration {
    /// The duration in seconds, for the database's intervals.
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
