import Foundation
import Ledger
import PostgresNIO

/// A row of `messages`, as the PostgreSQL ledger reads and writes it: the columns every backend stores.
typealias MessageRow = StoredMessage

extension StoredMessage {
    static let columns = """
        id, message_key, message_id, subject, sender, ticket_id, note_hash, note, state, state_reason, \
        next_attempt_at, attempts, last_error, api_response, uncertain_reposts, created_at, updated_at, posted_at
        """

    init(_ row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        let id = try cells["id"].decode(Int64.self)
        let stateName = try cells["state"].decode(String.self)
        guard let state = LedgerState.Name(rawValue: stateName) else {
            throw PostgresLedgerError("ledger row \(id) has unknown state \(stateName)")
        }
        self.init(
            id: id, messageKey: try cells["message_key"].decode(String.self),
            messageID: try cells["message_id"].decode(String?.self), subject: try cells["subject"].decode(String?.self),
            sender: try cells["sender"].decode(String?.self),
            ticketID: try cells["ticket_id"].decode(Int64?.self).map { Int($0) },
            noteHash: try cells["note_hash"].decode(String?.self), note: try cells["note"].decode(String?.self),
            state: state, stateReason: try cells["state_reason"].decode(String?.self),
            nextAttemptAt: try cells["next_attempt_at"].decode(Date?.self),
            attempts: Int(try cells["attempts"].decode(Int32.self)), lastError: try cells["last_error"].decode(String?.self),
            apiResponse: try cells["api_response"].decode(String?.self),
            uncertainReposts: Int(try cells["uncertain_reposts"].decode(Int32.self)),
            createdAt: try cells["created_at"].decode(Date.self), updatedAt: try cells["updated_at"].decode(Date.self),
            postedAt: try cells["posted_at"].decode(Date?.self))
    }

    /// Writes every mutable column back (inside the caller's transaction). `postingOwner` is the instance
    /// whose call is in flight while the state is `posting`; in any other state the entry is nobody's claim.
    func update(_ connection: PostgresConnection, postingOwner: String?, logger: Logger) async throws {
        try await connection.query("""
            UPDATE messages SET ticket_id = \(ticketID.map { Int64($0) }), note_hash = \(noteHash), \
            state = \(state.rawValue), state_reason = \(stateReason), next_attempt_at = \(nextAttemptAt), \
            attempts = \(Int32(attempts)), last_error = \(lastError), api_response = \(apiResponse), \
            uncertain_reposts = \(Int32(uncertainReposts)), updated_at = \(updatedAt), posted_at = \(postedAt), \
            posting_owner = \(state == .posting ? postingOwner : nil), \
            claimed_by = \(state == .posting ? postingOwner : nil), claim_expires_at = NULL \
            WHERE id = \(id)
            """, logger: logger)
    }
}
