import Foundation
import Ledger
import Testing

/// The poison-message guard for a whole batch (`beginHandling` of many places), on both backends: all of it
/// marked in one transaction, or nothing when a message of it is in hand already.
@Suite struct HandlingBatchTests {
    static let places = (1...3).map { MessageLocation(account: "support", folder: "INBOX", uidValidity: 1, uid: $0) }

    @Test(arguments: LedgerBackend.allCases)
    func aBatchIsMarkedInHandAndRecordingItEndsTheHandlingOfEachMessage(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            #expect(try await ledger.beginHandling(Self.places))
            let requests = Self.places.map { place in
                RecordRequest(sighting: sighting("m\(place.uid)@vendor.example", uid: place.uid),
                              decision: .post(ticketID: 143, note: note))
            }
            _ = try await ledger.record(requests, checkpoint: nil)
            #expect(try await ledger.beginHandling(Self.places), "recording the batch ended its handling")
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func aBatchInHandWhenTheProcessDiedIsNotMarkedAgainAndNoMessageOfItIsCounted(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            #expect(try await ledger.beginHandling(Self.places))
            // The process died with the batch in hand. The next one marks nothing: each message is counted when
            // its own handling begins, once.
            #expect(try await ledger.beginHandling(Self.places) == false)
            #expect(try await ledger.beginHandling(Self.places) == false, "asking again counts nothing either")
            #expect(try await ledger.beginHandling(Self.places[0]) == 1)
            #expect(try await ledger.beginHandling(Self.places[1]) == 1)
            #expect(try await ledger.beginHandling(Self.places[2]) == 1)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func aBatchWithOneMessageInHandMarksNoneOfIt(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            // The process died while the second message was handled alone.
            #expect(try await ledger.beginHandling(Self.places[1]) == 0)
            #expect(try await ledger.beginHandling(Self.places) == false)
            #expect(try await ledger.beginHandling(Self.places[0]) == 0, "the message before it was not marked")
            #expect(try await ledger.beginHandling(Self.places[1]) == 1, "its one death, counted once")
            #expect(try await ledger.beginHandling(Self.places[2]) == 0, "the message after it was not marked")
        }
    }
}
