import Foundation
import GRDB
import Testing
@testable import Ledger

/// The SQLite ledger reads and writes its hot rows by hand (prepared statements, no Codable): what it
/// stores must be what GRDB's own encoding stored before, so that ledgers written by earlier versions and
/// the date comparisons in queries mean the same.
@Suite struct StoredRowTests {
    @Test func timestampsAreTheTextGRDBWritesForADate() throws {
        var generator = SystemRandomNumberGenerator()
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_800_000_000),
            Date(timeIntervalSince1970: 1_800_000_000.9999), Date(timeIntervalSince1970: 1_800_000_000.0005),
            Date(timeIntervalSince1970: 951_782_400), // 2000-02-29
            Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -0.0005),
            Date(timeIntervalSince1970: -2_208_988_800.25), // 1900
            Date(timeIntervalSince1970: 253_402_300_799.999), // 9999-12-31 23:59:59.999
            Date(timeIntervalSince1970: -11_676_096_000), // 1600-01-01
            Date(timeIntervalSince1970: 3_348_073_940.0245), // a tie, rounded up
            Date(timeIntervalSince1970: -1_035_633_193.3065), // a tie before 1970, rounded up
        ]
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_200_000_000, using: &generator)))
        }
        for date in dates {
            #expect(LedgerTimestamp.databaseValue(date) == date.databaseValue,
                    "\(date.timeIntervalSince1970) stored as \(LedgerTimestamp.databaseValue(date)), GRDB writes \(date.databaseValue)")
        }
        // Outside years 1600-9999 the text is GRDB's own.
        for far in [Date(timeIntervalSince1970: 300_000_000_000), Date(timeIntervalSince1970: -62_135_596_800)] {
            #expect(LedgerTimestamp.text(far) == nil)
            #expect(LedgerTimestamp.databaseValue(far) == far.databaseValue)
        }
    }

    @Test func aMessageRowWrittenByHandReadsBackWhole() async throws {
        let fixture = try LedgerFixture()
        let ledger = try fixture.open()
        let id = try await ledger.entry(in: .posting)
        fixture.clock.advance(seconds: 1.25)
        let retryAt = Date(timeIntervalSince1970: 1_800_000_123.5)
        let written = try await ledger.markRetrying(id, error: "HTTP 503 from the API", nextAttemptAt: retryAt)

        let row = try ledger.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [id.rawValue])
        }
        let stored = try #require(row)
        // Every column as GRDB's Codable encoding stored it.
        #expect(stored["createdAt"] as String == Date(timeIntervalSince1970: 1_800_000_000).databaseValue.storage.value as? String)
        #expect(stored["updatedAt"] as String == fixture.clock.now.databaseValue.storage.value as? String)
        #expect(stored["nextAttemptAt"] as String == retryAt.databaseValue.storage.value as? String)
        #expect(stored["state"] as String == "retrying")
        #expect(stored["postedAt"] as String? == nil)

        let reopened = try await ledger.existing(id)
        #expect(reopened == written)
        #expect(reopened.state == .retrying(nextAttemptAt: Date(timeIntervalSince1970: 1_800_000_123.5)))
        #expect(reopened.lastError == "HTTP 503 from the API")
        #expect(reopened.attempts == 1)
        #expect(reopened.sightings.count == 1)
    }
}
