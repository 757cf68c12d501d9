import Foundation
import Testing
import Ledger

@Suite struct OwnershipTests {
    @Test func secondOwnerInTheSameProcessIsRefused() throws {
        let fixture = try LedgerFixture()
        let owner = try fixture.open()

        #expect(throws: LedgerError.inUse(path: fixture.path, pid: "\(ProcessInfo.processInfo.processIdentifier)")) {
            _ = try fixture.open()
        }
        withExtendedLifetime(owner) {}
    }

    @Test func refusalNamesTheLedgerAndTheOwner() {
        let message = LedgerError.inUse(path: "/var/lib/notegate/ledger.sqlite", pid: "4242").description
        #expect(message.hasPrefix(
            "ledger /var/lib/notegate/ledger.sqlite is in use by another notegate process (pid 4242)."))
    }

    @Test func releasedLedgerCanBeOwnedAgain() async throws {
        let fixture = try LedgerFixture()
        do {
            let first = try fixture.open()
            _ = try await first.recordNew("m@vendor.example")
        }
        let second = try fixture.open()
        #expect(try await second.counts()[.pending] == 1)
    }

    @Test func lockHeldByAnotherProcessIsRefused() async throws {
        let fixture = try LedgerFixture()
        let holder = Process()
        // The shell takes the lock on its own descriptor and becomes `sleep`, so terminating it frees the lock.
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", #"exec 9>"$0"; flock --exclusive 9; echo locked; exec sleep 30"#, fixture.path + ".lock"]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        let ready = output.fileHandleForReading.availableData
        #expect(String(decoding: ready, as: UTF8.self) == "locked\n")

        #expect(throws: LedgerError.inUse(path: fixture.path, pid: nil)) { _ = try fixture.open() }

        // SIGKILL leaves no stale lock: the kernel drops it with the process.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        _ = try fixture.open()
    }

    @Test func ledgerInAMissingFolderSaysWhatToCheck() throws {
        let fixture = try LedgerFixture()
        let path = fixture.folder.appendingPathComponent("no-such-folder/notegate.sqlite").path

        #expect(throws: LedgerError.lockUnavailable(path: path, errno: ENOENT)) {
            _ = try SQLiteLedger(path: path)
        }
        #expect(LedgerError.lockUnavailable(path: path, errno: ENOENT).description.contains("folder exists"))
    }

    @Test func readerWorksBesideTheOwnerAndSeesCommittedWrites() async throws {
        let fixture = try LedgerFixture()
        let owner = try fixture.open()
        let reader = try SQLiteLedgerReader(readOnlyPath: fixture.path)

        let id = try await owner.recordNew("m@vendor.example")
        try await owner.saveCheckpoint(MailboxCheckpoint(account: "support", folder: "INBOX", uidValidity: 1, lastUID: 1))

        #expect(try await reader.entry(id)?.state == .pending)
        #expect(try await reader.list(LedgerFilter()).map(\.id) == [id])
        #expect(try await reader.checkpoint(account: "support", folder: "INBOX")?.lastUID == 1)
    }

    @Test func readerOpensALedgerNobodyOwns() async throws {
        let fixture = try LedgerFixture()
        let id = try await fixture.open().recordNew("m@vendor.example")

        let reader = try SQLiteLedgerReader(readOnlyPath: fixture.path)

        #expect(try await reader.entry(id)?.state == .pending)
    }

    @Test func readerOfAMissingFileSaysSo() throws {
        let fixture = try LedgerFixture()
        #expect(throws: LedgerError.missing(path: fixture.path)) {
            _ = try SQLiteLedgerReader(readOnlyPath: fixture.path)
        }
    }
}
