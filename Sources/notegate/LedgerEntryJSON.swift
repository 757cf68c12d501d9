import Ledger

/// The `--json` objects of `ledger list` (one summary per line) and `ledger show` (the summary's
/// fields, then everything else), keys in this documented order.
enum LedgerEntryJSON {
    /// `{"id", "key", "messageId", "subject", "from", "ticketId", "state", "reason", "nextAttemptAt",
    /// "attempts", "lastError", "uncertainReposts", "createdAt", "updatedAt", "postedAt"}`
    static func summary(_ entry: LedgerEntry) -> String {
        JSONText.object(summaryFields(entry))
    }

    /// The summary's fields, then `"noteHash", "apiResponse", "sightings": [{"account", "folder",
    /// "uidValidity", "uid", "seenAt"}], "note"`.
    static func detail(_ entry: LedgerEntry) -> String {
        let sightings = entry.sightings.map { sighting in
            JSONText.object([
                ("account", JSONText.string(sighting.location.account)),
                ("folder", JSONText.string(sighting.location.folder)),
                ("uidValidity", JSONText.number(sighting.location.uidValidity)),
                ("uid", JSONText.number(sighting.location.uid)),
                ("seenAt", JSONText.string(sighting.seenAt.timestamp)),
            ])
        }
        return JSONText.object(summaryFields(entry) + [
            ("noteHash", JSONText.string(entry.noteHash?.rawValue)),
            ("apiResponse", JSONText.string(entry.apiResponse)),
            ("sightings", JSONText.array(sightings)),
            ("note", JSONText.string(entry.note)),
        ])
    }

    private static func summaryFields(_ entry: LedgerEntry) -> [(key: String, value: String)] {
        [
            ("id", JSONText.number(entry.id.rawValue)),
            ("key", JSONText.string(entry.key.rawValue)),
            ("messageId", JSONText.string(entry.messageID)),
            ("subject", JSONText.string(entry.subject)),
            ("from", JSONText.string(entry.from)),
            ("ticketId", JSONText.number(entry.ticketID)),
            ("state", JSONText.string(entry.state.name.rawValue)),
            ("reason", JSONText.string(entry.stateReason)),
            ("nextAttemptAt", JSONText.string(entry.nextAttemptAt?.timestamp)),
            ("attempts", JSONText.number(entry.attempts)),
            ("lastError", JSONText.string(entry.lastError)),
            ("uncertainReposts", JSONText.number(entry.uncertainReposts)),
            ("createdAt", JSONText.string(entry.createdAt.timestamp)),
            ("updatedAt", JSONText.string(entry.updatedAt.timestamp)),
            ("postedAt", JSONText.string(entry.postedAt?.timestamp)),
        ]
    }
}
