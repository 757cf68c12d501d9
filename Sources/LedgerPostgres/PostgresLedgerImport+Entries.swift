import Foundation
import Ledger
import PostgresNIO

/// Entries and their sightings, a batch at a time: each batch is sent as one JSON array per table
/// (`jsonb_to_recordset`), so a batch costs a few statements, not one per row.
extension PostgresLedgerImport {
    /// Copies `entries` with their sightings, in one transaction. An entry whose message key PostgreSQL already
    /// has is left as it is (its sightings are added to it); one whose id PostgreSQL gave another message gets a
    /// new id.
    public func importEntries(_ entries: [LedgerEntry]) async throws -> Counts {
        let counts = try await transaction { connection in
            var counts = Counts()
            let held = try await rowsHolding(entries, connection)
            var placed: [MessageKey: HeldEntry] = [:]
            var ownIDFree: [LedgerEntry] = []
            var renumber: [LedgerEntry] = []
            for entry in entries {
                if let existing = held.byKey[entry.key] {
                    placed[entry.key] = existing
                    counts.entriesPresent += 1
                } else if held.ids.contains(entry.id.rawValue) {
                    renumber.append(entry)
                } else {
                    ownIDFree.append(entry)
                }
            }
            let inserted = Set(try await insertMessages(ownIDFree, renumbering: false, connection))
            for entry in ownIDFree {
                if inserted.contains(entry.id.rawValue) {
                    placed[entry.key] = HeldEntry(id: entry.id.rawValue, state: entry.state.name)
                    counts.newEntries[entry.state.name, default: 0] += 1
                } else {
                    // A running instance recorded the message, or another one under this id, since the look-up.
                    renumber.append(entry)
                }
            }
            for entry in renumber.sorted(by: { $0.id < $1.id }) {
                if let id = try await insertMessages([entry], renumbering: true, connection).first {
                    placed[entry.key] = HeldEntry(id: id, state: entry.state.name)
                    counts.newEntries[entry.state.name, default: 0] += 1
                    if id != entry.id.rawValue {
                        counts.renumbered[entry.id] = LedgerEntryID(rawValue: id)
                    }
                } else if let existing = try await rowsHolding([entry], connection).byKey[entry.key] {
                    placed[entry.key] = existing
                    counts.entriesPresent += 1
                } else {
                    throw PostgresLedgerError("entry \(entry.id) (message \(entry.key)) could not be given an id in "
                        + "\(location) while instances record messages; run the migration again")
                }
            }
            try await insertSightings(of: entries, placed: placed, into: &counts, connection)
            return counts
        }
        if dryRun {
            renumberedInDryRun.withLock { $0 += Int64(counts.renumbered.count) }
        }
        return counts
    }

    /// An entry as PostgreSQL holds it.
    struct HeldEntry {
        var id: Int64
        var state: LedgerState.Name
    }

    /// The rows PostgreSQL has under the entries' message keys, and which of their ids it uses.
    private func rowsHolding(_ entries: [LedgerEntry], _ connection: PostgresConnection) async throws
        -> (byKey: [MessageKey: HeldEntry], ids: Set<Int64>) {
        let rows = try await connection.query("""
            SELECT id, message_key, state FROM messages
            WHERE id = ANY(\(entries.map(\.id.rawValue))) OR message_key = ANY(\(entries.map(\.key.rawValue)))
            """, logger: logger)
        var byKey: [MessageKey: HeldEntry] = [:]
        var ids: Set<Int64> = []
        for try await (id, key, state) in rows.decode((Int64, String, String).self) {
            guard let name = LedgerState.Name(rawValue: state) else {
                throw PostgresLedgerError("ledger row \(id) in \(location) has unknown state \(state)")
            }
            byKey[MessageKey(rawValue: key)] = HeldEntry(id: id, state: name)
            ids.insert(id)
        }
        return (byKey, ids)
    }

    /// Inserts the entries, skipping any whose message key or id is taken; returns the ids inserted. With
    /// `renumbering`, an entry whose id is taken gets a new one: the sequence's next, or in a dry run (which
    /// takes nothing from the sequence) the one it would be.
    private func insertMessages(_ entries: [LedgerEntry], renumbering: Bool, _ connection: PostgresConnection)
        async throws -> [Int64] {
        guard !entries.isEmpty else { return [] }
        let reserved = reservedThrough.withLock { $0 } + renumberedInDryRun.withLock { $0 }
        let newID = dryRun ? "GREATEST((SELECT MAX(id) FROM messages), \(reserved)) + 1"
            : "nextval(pg_get_serial_sequence('messages', 'id'))"
        let id = renumbering
            ? "CASE WHEN EXISTS (SELECT 1 FROM messages m WHERE m.id = r.id) THEN \(newID) ELSE r.id END" : "r.id"
        let json = try Self.json(entries.map(MessageImportRow.init))
        var ids: [Int64] = []
        for try await inserted in try await connection.query("""
            INSERT INTO messages(id, message_key, message_id, subject, sender, ticket_id, note_hash, note, state, \
            state_reason, next_attempt_at, attempts, last_error, api_response, uncertain_reposts, created_at, \
            updated_at, posted_at)
            SELECT \(unescaped: id), r.message_key, r.message_id, r.subject, r.sender, r.ticket_id, r.note_hash, \
            r.note, r.state, r.state_reason, \(unescaped: Self.time("r.next_attempt_us")), r.attempts, r.last_error, \
            r.api_response, r.uncertain_reposts, \(unescaped: Self.time("r.created_us")), \
            \(unescaped: Self.time("r.updated_us")), \(unescaped: Self.time("r.posted_us"))
            FROM jsonb_to_recordset(\(json)::jsonb) AS r(id bigint, message_key text, message_id text, subject text, \
            sender text, ticket_id bigint, note_hash text, note text, state text, state_reason text, \
            next_attempt_us bigint, attempts integer, last_error text, api_response text, uncertain_reposts integer, \
            created_us bigint, updated_us bigint, posted_us bigint)
            ORDER BY r.id
            ON CONFLICT DO NOTHING RETURNING id
            """, logger: logger).decode(Int64.self) {
            ids.append(inserted)
        }
        return ids
    }

    /// Inserts every sighting of the entries under the entry PostgreSQL now holds for its message key, in the
    /// order they were recorded; a place the entry was already seen at is left as it is.
    private func insertSightings(of entries: [LedgerEntry], placed: [MessageKey: HeldEntry], into counts: inout Counts,
                                 _ connection: PostgresConnection) async throws {
        var rows: [SightingImportRow] = []
        for entry in entries {
            guard let held = placed[entry.key] else { continue }
            for sighting in entry.sightings {
                // Under an entry PostgreSQL already had in another state, the outcome that counts is PostgreSQL's:
                // an action still due in SQLite becomes the one that state calls for (none while it is still to be
                // posted).
                let dueAction = held.state == entry.state.name
                    ? sighting.dueAction : sighting.dueAction.flatMap { _ in DueAction(state: held.state) }
                rows.append(SightingImportRow(order: rows.count, entryId: held.id, sighting: sighting,
                                              dueAction: dueAction))
            }
        }
        guard !rows.isEmpty else { return }
        var inserted = 0
        for try await dueAction in try await connection.query("""
            INSERT INTO sightings(entry_id, account, folder, uid_validity, uid, seen_at, due_action)
            SELECT r.entry_id, r.account, r.folder, r.uid_validity, r.uid, \(unescaped: Self.time("r.seen_us")), \
            r.due_action
            FROM jsonb_to_recordset(\(try Self.json(rows))::jsonb) AS r(order_recorded integer, entry_id bigint, \
            account text, folder text, uid_validity bigint, uid bigint, seen_us bigint, due_action text)
            ORDER BY r.order_recorded
            ON CONFLICT DO NOTHING RETURNING due_action
            """, logger: logger).decode(String?.self) {
            inserted += 1
            if let action = dueAction.flatMap(DueAction.init(rawValue:)) {
                counts.newDueActions[action, default: 0] += 1
            }
        }
        counts.newSightings += inserted
        counts.sightingsPresent += rows.count - inserted
    }

    /// A time sent as microseconds since 1970 (`Self.microseconds`), as a `timestamptz` expression.
    private static func time(_ microseconds: String) -> String {
        "('epoch'::timestamptz + \(microseconds) * interval '1 microsecond')"
    }

    /// A time to the microsecond, rounded: PostgresNIO's own `Date` encoding truncates, which can turn the SQLite
    /// ledger's milliseconds (.123) into .122999.
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    private static func json(_ rows: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}

/// A `messages` row as `jsonb_to_recordset` reads it; a nil field is left out, which reads as NULL.
private struct MessageImportRow: Encodable {
    var id: Int64
    var messageKey: String
    var messageId: String?
    var subject: String?
    var sender: String?
    var ticketId: Int?
    var noteHash: String?
    var note: String?
    var state: String
    var stateReason: String?
    var nextAttemptUs: Int64?
    var attempts: Int
    var lastError: String?
    var apiResponse: String?
    var uncertainReposts: Int
    var createdUs: Int64
    var updatedUs: Int64
    var postedUs: Int64?

    init(_ entry: LedgerEntry) {
        let row = StoredMessage(entry: entry)
        id = row.id
        messageKey = row.messageKey
        messageId = row.messageID
        subject = row.subject
        sender = row.sender
        ticketId = row.ticketID
        noteHash = row.noteHash
        note = row.note
        state = row.state.rawValue
        stateReason = row.stateReason
        nextAttemptUs = row.nextAttemptAt.map(PostgresLedgerImport.microseconds)
        attempts = row.attempts
        lastError = row.lastError
        apiResponse = row.apiResponse
        uncertainReposts = row.uncertainReposts
        createdUs = PostgresLedgerImport.microseconds(row.createdAt)
        updatedUs = PostgresLedgerImport.microseconds(row.updatedAt)
        postedUs = row.postedAt.map(PostgresLedgerImport.microseconds)
    }
}

/// A `sightings` row as `jsonb_to_recordset` reads it.
private struct SightingImportRow: Encodable {
    var orderRecorded: Int
    var entryId: Int64
    var account: String
    var folder: String
    var uidValidity: UInt32
    var uid: UInt32
    var seenUs: Int64
    var dueAction: String?

    init(order: Int, entryId: Int64, sighting: Sighting, dueAction: DueAction?) {
        orderRecorded = order
        self.entryId = entryId
        account = sighting.location.account
        folder = sighting.location.folder
        uidValidity = sighting.location.uidValidity
        uid = sighting.location.uid
        seenUs = PostgresLedgerImport.microseconds(sighting.seenAt)
        self.dueAction = dueAction?.rawValue
    }
}
