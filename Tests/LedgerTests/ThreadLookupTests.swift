import Foundation
import Testing
import Ledger

@Suite struct ThreadLookupTests {
    @Test(arguments: LedgerBackend.allCases)
    func replyFollowsThePostedParentsTicket(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let parent = try await ledger.recordNew("<Parent@Vendor.Example>", ticketID: 143)
            try await ledger.beginPosting(parent, noteHash: noteHash)
            try await ledger.markPosted(parent, response: "{}", checkpoint: nil)

            #expect(try await ledger.ticketForThread(messageIDs: ["<unrelated@x.org>", "<Parent@VENDOR.example>"]) == 143)
        }
    }

    @Test(arguments: LedgerBackend.allCases, [LedgerState.Name.skipped, .dead])
    func skippedOrDeadParentsDoNotRoute(backend: LedgerBackend, state: LedgerState.Name) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.entry(in: state, messageID: "parent@vendor.example")

            #expect(try await ledger.ticketForThread(messageIDs: ["<parent@vendor.example>"]) == nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases, [LedgerState.Name.pending, .posting, .retrying, .uncertain])
    func parentsOnTheirWayToPostingRoute(backend: LedgerBackend, state: LedgerState.Name) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.entry(in: state, messageID: "parent@vendor.example")

            #expect(try await ledger.ticketForThread(messageIDs: ["<parent@vendor.example>"]) != nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func unknownOrEmptyReferencesFindNothing(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            _ = try await ledger.entry(in: .posted, messageID: "parent@vendor.example")

            #expect(try await ledger.ticketForThread(messageIDs: ["<other@vendor.example>"]) == nil)
            #expect(try await ledger.ticketForThread(messageIDs: []) == nil)
            #expect(try await ledger.ticketForThread(messageIDs: ["<>", "  "]) == nil)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func mostRecentlyRecordedWins(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            // The newest message of a thread is the closest ancestor: recording order decides, not posting order.
            let older = try await ledger.recordNew("first@vendor.example", ticketID: 200, uid: 1)
            let newer = try await ledger.recordNew("second@vendor.example", ticketID: 100, uid: 2)
            for id in [newer, older] {
                fixture.clock.advance(seconds: 10)
                try await ledger.beginPosting(id, noteHash: noteHash)
                try await ledger.markPosted(id, response: "{}", checkpoint: nil)
            }

            #expect(try await ledger.ticketForThread(messageIDs: ["first@vendor.example", "second@vendor.example"]) == 100)
        }
    }

    @Test(arguments: LedgerBackend.allCases)
    func longReferencesConsiderTheLatestThousand(backend: LedgerBackend) async throws {
        let fixture = try LedgerFixture()
        try await backend.withLedger(fixture) { ledger async throws in
            let oldest = try await ledger.recordNew("oldest@vendor.example", ticketID: 1, uid: 1)
            let newest = try await ledger.recordNew("newest@vendor.example", ticketID: 2, uid: 2)
            for id in [oldest, newest] {
                try await ledger.beginPosting(id, noteHash: noteHash)
                try await ledger.markPosted(id, response: "{}", checkpoint: nil)
            }
            let filler = (1...40_000).map { "<filler\($0)@list.example>" }

            #expect(try await ledger.ticketForThread(messageIDs: ["<oldest@vendor.example>"] + filler) == nil)
            #expect(try await ledger.ticketForThread(messageIDs: filler + ["<newest@vendor.example>"]) == 2)
        }
    }
}
