import Foundation
import Ledger

/// The ledger most tests start from: one entry in each state an operator deals with, recorded in
/// this order (so ids ascend and `list` prints them in reverse).
struct SampleLedger {
    /// When the posted and skipped entries were recorded.
    static let early = Date(timeIntervalSince1970: 1_793_523_600) // 2026-11-01T09:00:00Z
    /// When the dead entry was recorded.
    static let later = Date(timeIntervalSince1970: 1_795_165_200) // 2026-11-20T09:00:00Z
    static let draftNote = "Where is my order?\nIt was due last week."

    let file: LedgerFile
    /// Posted to #143, and seen a second time in another folder.
    let posted: LedgerEntryID
    /// Skipped: its subject names no ticket.
    let skipped: LedgerEntryID
    /// Dead on #200: the API refused the note.
    let dead: LedgerEntryID
    /// Queued for #143 an hour ago (in real time, for relative `--since`).
    let pending: LedgerEntryID

    var path: String { file.path }

    init() async throws {
        file = try LedgerFile()
        (posted, skipped) = try await file.write(at: Self.early) { ledger in
            let posted = try await ledger.record(
                "invoice-1@vendor.example", subject: "Re: [#143] Invoice",
                decision: .post(ticketID: 143, note: "Invoice attached, thanks."))
            try await ledger.beginPosting(posted, noteHash: NoteHash(noteText: "Invoice attached, thanks."))
            try await ledger.markPosted(posted, response: #"{"Status":"Success"}"#, checkpoint: nil)
            try await ledger.record(
                "invoice-1@vendor.example", subject: "Re: [#143] Invoice",
                decision: .post(ticketID: 143, note: "Invoice attached, thanks."), folder: "Archive", uid: 9)
            let skipped = try await ledger.record(
                "question@vendor.example", subject: "Question about my order",
                decision: .skip(reason: "no-ticket", ticketID: nil, draftNote: Self.draftNote,
                                detail: "no ticket tag like [#143] in the subject"), uid: 2)
            return (posted, skipped)
        }
        dead = try await file.write(at: Self.later) { ledger in
            let dead = try await ledger.record(
                "logs@vendor.example", subject: "[#200] Logs", decision: .post(ticketID: 200, note: "Logs below."),
                uid: 3)
            try await ledger.beginPosting(dead, noteHash: NoteHash(noteText: "Logs below."))
            try await ledger.markDead(dead, reason: "HTTP 400: note too long")
            return dead
        }
        pending = try await file.write(at: Date().addingTimeInterval(-3600)) { ledger in
            try await ledger.record(
                "follow-up@vendor.example", subject: "[#143] Follow-up",
                decision: .post(ticketID: 143, note: "One more thing."), uid: 4)
        }
    }
}
