import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A date as the ledger stores it: the text GRDB writes for a `Date` ("yyyy-MM-dd HH:mm:ss.SSS" in UTC,
/// milliseconds rounded), written without a `DateFormatter`. The writer stamps every row it touches, and
/// formatting through ICU was a tenth of the intake's CPU; a test holds the two to the same text.
enum LedgerTimestamp {
    static func databaseValue(_ date: Date) -> DatabaseValue {
        // Outside years 1600-9999 GRDB's own formatting is the reference.
        text(date)?.databaseValue ?? date.databaseValue
    }

    /// The stored text, or nil outside years 1600-9999 (before, ICU counts in the Julian calendar).
    static func text(_ date: Date) -> String? {
        // As Foundation hands the date to ICU: milliseconds since 1970, rounded half up.
        let milliseconds = ((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000
            + 0.5).rounded(.down)
        guard milliseconds.isFinite, abs(milliseconds) < 253_402_300_800_000 else { return nil }
        let wholeMilliseconds = Int64(milliseconds)
        var seconds = time_t(wholeMilliseconds.floorDivided(by: 1000))
        let fraction = Int(wholeMilliseconds - Int64(seconds) * 1000)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil, parts.tm_year + 1900 >= 1600, parts.tm_year + 1900 <= 9999 else {
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: 23)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        bytes[4] = UInt8(ascii: "-")
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        bytes[7] = UInt8(ascii: "-")
        put(Int(parts.tm_mday), at: 8, digits: 2)
        bytes[10] = UInt8(ascii: " ")
        put(Int(parts.tm_hour), at: 11, digits: 2)
        bytes[13] = UInt8(ascii: ":")
        put(Int(parts.tm_min), at: 14, digits: 2)
        bytes[16] = UInt8(ascii: ":")
        put(Int(parts.tm_sec), at: 17, digits: 2)
        bytes[19] = UInt8(ascii: ".")
        put(fraction, at: 20, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Optional where Wrapped == Date {
    /// The stored text of the date, or NULL.
    var ledgerDatabaseValue: DatabaseValue {
        map(LedgerTimestamp.databaseValue) ?? .null
    }
}

private extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
