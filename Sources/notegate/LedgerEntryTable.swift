import Ledger

/// The table `ledger list` prints: one line per entry, long text cut to fit a terminal.
struct LedgerEntryTable {
    static let header = ["ID", "STATE", "TICKET", "ATTEMPTS", "UPDATED", "SUBJECT", "REASON / LAST ERROR"]
    static let subjectWidth = 40
    static let reasonWidth = 50

    var entries: [LedgerEntry]

    /// The table, columns padded to their widest cell; the last column is not padded.
    var text: String {
        let rows = [Self.header] + entries.map(Self.row)
        let widths = Self.header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            (zip(row.dropLast(), widths).map { $0.padding(to: $1) } + [row[row.count - 1]]).joined(separator: "  ")
        }
        .joined(separator: "\n")
    }

    private static func row(_ entry: LedgerEntry) -> [String] {
        [
            entry.id.description,
            entry.state.name.rawValue,
            entry.ticketID.map { "#\($0)" } ?? "-",
            String(entry.attempts),
            entry.updatedAt.timestamp,
            (entry.subject ?? "").cut(to: subjectWidth),
            (entry.stateReason ?? entry.lastError ?? "").cut(to: reasonWidth),
        ]
    }
}

extension String {
    /// On one line, and at most `width` characters, ending in `…` when cut.
    fileprivate func cut(to width: Int) -> String {
        let line = split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= width ? line : line.prefix(width - 1) + "…"
    }

    fileprivate func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
