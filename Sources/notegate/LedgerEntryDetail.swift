import Ledger

/// What `ledger show` prints for a person: one labelled line per field, every sighting, the note.
struct LedgerEntryDetail {
    var entry: LedgerEntry

    var text: String {
        let fields: [(String, String)] = [
            ("Key", entry.key.rawValue),
            ("Message-ID", entry.messageID.map { "<\($0)>" } ?? "(none)"),
            ("Subject", entry.subject ?? "(none)"),
            ("From", entry.from ?? "(none)"),
            ("Ticket", entry.ticketID.map { "#\($0)" } ?? "(none)"),
            ("State", entry.stateSummary),
            ("Attempts", String(entry.attempts)),
            ("Last error", entry.lastError ?? "(none)"),
            ("API response", entry.apiResponse ?? "(none)"),
            ("Uncertain reposts", String(entry.uncertainReposts)),
            ("Note hash", entry.noteHash?.rawValue ?? "(none)"),
            ("Created", entry.createdAt.timestamp),
            ("Updated", entry.updatedAt.timestamp),
            ("Posted", entry.postedAt?.timestamp ?? "(not posted)"),
        ]
        let labelWidth = fields.map(\.0.count).max() ?? 0
        var lines = ["Ledger entry \(entry.id)"]
        lines += fields.map { label, value in
            "  \(label):" + String(repeating: " ", count: labelWidth - label.count + 1) + value
        }
        lines.append("  Sightings (\(entry.sightings.count)):")
        lines += entry.sightings.map { sighting in
            let location = sighting.location
            return "    \(location.account) / \(location.folder)  uidvalidity \(location.uidValidity)  "
                + "uid \(location.uid)  seen \(sighting.seenAt.timestamp)"
        }
        if let note = entry.note {
            lines.append("  Note (\(note.utf8.count) bytes):")
            lines += note.split(separator: "\n", omittingEmptySubsequences: false).map { "    | \($0)" }
        } else {
            lines.append("  Note: (none)")
        }
        return lines.joined(separator: "\n")
    }
}
