import Foundation

/// The `--since` of `ledger list`: a day (`2026-11-25`, midnight UTC), an ISO 8601 time
/// (`2026-11-25T08:00:00Z`) or an age counted back from now (`90m`, `24h`, `7d`, `2w`).
enum LedgerSince {
    static func date(from text: String) throws -> Date {
        if let age = age(text) { return Date().addingTimeInterval(-age) }
        // ISO8601DateFormatter accepts trailing junk and partial dates, so the shape is checked first.
        let options: ISO8601DateFormatter.Options
        if text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil {
            options = [.withFullDate]
        } else if let time = text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/) {
            options = time.1 == nil ? [.withInternetDateTime] : [.withInternetDateTime, .withFractionalSeconds]
        } else {
            throw UnreadableSince()
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = options
        guard let date = formatter.date(from: text) else { throw UnreadableSince() }
        return date
    }

    /// Seconds in `24h`, `7d` and the like; nil when `text` is not an age.
    private static func age(_ text: String) -> TimeInterval? {
        let units: [Character: TimeInterval] = ["m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count >= 0 else {
            return nil
        }
        return TimeInterval(count) * unit
    }
}

/// What `--since` accepts, shown when it cannot be read.
struct UnreadableSince: Error, CustomStringConvertible {
    var description: String {
        "expected a day (2026-11-25), an ISO 8601 time (2026-11-25T08:00:00Z) or an age (90m, 24h, 7d, 2w)"
    }
}
