import Foundation
import Gateway
import GatewayConfig
import LeadSquared
import LeadSquaredSandbox
import Testing

/// The LeadSquared client `run`, `once` and `check` build from a config file, posting to the sandbox.
@Suite struct ClientSettingsTests {
    @Test("A note up to notes.max_note_bytes is posted, also above the former fixed 64 KiB")
    func noteLimitComesFromTheSetting() async throws {
        let sandbox = try await SandboxServer.start(SandboxConfiguration())
        do {
            try await postThroughSettings(to: sandbox)
            await sandbox.stop()
        } catch {
            await sandbox.stop()
            throw error
        }
    }

    private func postThroughSettings(to sandbox: SandboxServer) async throws {
        let keys = try KeyFiles(sandbox.account.configuration)
        defer { keys.remove() }
        // A generous call timeout: a ~200 KB note on a loaded 2-core machine (parallel suites, debug builds)
        // took over 5 s once and came back uncertain; what this test checks is the size limit, not the timeout.
        let settings = LeadSquaredSettings(host: sandbox.baseURL.absoluteString,
                                           tenantID: sandbox.account.configuration.tenantID,
                                           accessKey: .file(keys.accessKey), secretKey: .file(keys.secretKey),
                                           timeoutSeconds: 60, allowInsecure: true)
        let note = NoteRequest(ticketID: 143, text: String(repeating: "The printer is fixed.\n", count: 9_000))
        #expect(note.text.utf8.count == 198_000)

        let raised = try LeadSquaredClient.Configuration(settings: settings, notes: NoteSettings(maxNoteBytes: 262_144))
        #expect(raised.maxNoteBytes == 262_144)
        let defaultLimit = try LeadSquaredClient.Configuration(settings: settings, notes: NoteSettings())
        #expect(defaultLimit.maxNoteBytes == 65_536)

        var outcomes: [PostOutcome] = []
        for configuration in [raised, defaultLimit] {
            let client = try LeadSquaredClient(configuration: configuration)
            outcomes.append(await client.post(note))
            try await client.shutdown()
        }
        #expect(outcomes.first?.kind == .posted)
        #expect(await sandbox.account.notes().map(\.text.utf8.count) == [198_000])
        #expect(outcomes.last?.kind == .rejected)
        #expect(outcomes.last?.reason?.contains("over the configured limit of 65536") == true)
    }

    @Test func settingsCarryTimeoutsRateLimitAndRetries() throws {
        let keys = try KeyFiles(SandboxConfiguration())
        defer { keys.remove() }
        let settings = LeadSquaredSettings(host: "https://api.example.com", tenantID: "t1",
                                           accessKey: .file(keys.accessKey), secretKey: .file(keys.secretKey),
                                           rateLimitCalls: 10, rateLimitSeconds: 2, timeoutSeconds: 7, maxAttempts: 3,
                                           retryBaseSeconds: 4, retryCapSeconds: 60)
        let configuration = try LeadSquaredClient.Configuration(settings: settings, notes: NoteSettings())
        #expect(configuration.host.absoluteString == "https://api.example.com")
        #expect(configuration.tenantID == "t1")
        #expect(configuration.requestTimeout == .seconds(7))
        #expect(configuration.rateLimit == RateLimit(calls: 10, per: .seconds(2)))
        #expect(configuration.retryPolicy == RetryPolicy(base: .seconds(4), cap: .seconds(60), maxAttempts: 3))
    }
}

/// The sandbox's keys in two files, as a config file names them.
private struct KeyFiles {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-keys-\(UUID())")
    var accessKey: String { directory.appendingPathComponent("access-key").path }
    var secretKey: String { directory.appendingPathComponent("secret-key").path }

    init(_ account: SandboxConfiguration) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try account.accessKey.write(toFile: accessKey, atomically: true, encoding: .utf8)
        try account.secretKey.write(toFile: secretKey, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
