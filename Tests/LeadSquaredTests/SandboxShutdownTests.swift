import AsyncHTTPClient
import Foundation
import LeadSquaredSandbox
import NIOCore
import Testing

/// Stopping the sandbox with calls in flight is clean: every call gets an answer or a closed connection, the
/// sandbox stops without waiting out a hold, and the process survives (a connection accepted but never served
/// used to trap in SwiftNIO when the stop cancelled the server's task, taking every test down with it).
@Suite("Sandbox shutdown")
struct SandboxShutdownTests {
    /// Longer than any test may run: only the stop can end a call held or delayed this long.
    static let anHour = 3_600_000

    @Test("Stopping the sandbox while a call is held closes that call's connection, and the sandbox stops",
          .timeLimit(.minutes(1)))
    func stopWhileACallIsHeld() async throws {
        var configuration = SandboxConfiguration()
        configuration.faults = SandboxFaults(timeoutRate: 1, silencePoint: .afterCommit, holdMilliseconds: Self.anHour)
        let sandbox = try await SandboxServer.start(configuration)
        let client = Self.manyConnectionClient()
        do {
            let call = Task { try await Self.postNote(to: sandbox, ticket: 143, with: client) }
            // With the silence point after the commit, the note is recorded just before the hold begins.
            try await Self.waitUntil("the sandbox holds the call") { await sandbox.account.notes().count == 1 }
            await sandbox.stop()

            let outcome = await call.result
            #expect(throws: HTTPClientError.remoteConnectionClosed) { try outcome.get() }
            #expect(await sandbox.account.stats().unanswered == 1)
        } catch {
            await sandbox.stop()
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    @Test("Stopping the sandbox while calls keep arriving answers or closes each of them, over and over",
          .timeLimit(.minutes(3)))
    func stopWhileCallsArrive() async throws {
        for round in 1...8 {
            var configuration = SandboxConfiguration()
            configuration.callLimit = nil
            configuration.faults = SandboxFaults(latencyMilliseconds: Self.anHour)
            let sandbox = try await SandboxServer.start(configuration)
            let client = Self.manyConnectionClient()
            do {
                let statuses = try await withThrowingTaskGroup(of: Int?.self) { group in
                    for ticket in 1...24 {
                        group.addTask { try? await Self.postNote(to: sandbox, ticket: ticket, with: client) }
                    }
                    // Stop once some calls are in the sandbox's hands and others are still connecting.
                    try await Self.waitUntil("a call reaches the sandbox in round \(round)") {
                        await sandbox.account.stats().requests > 0
                    }
                    await sandbox.stop()
                    return try await group.reduce(into: [Int?]()) { $0.append($1) }
                }
                let answered = statuses.compactMap { $0 }
                #expect(answered.allSatisfy { $0 == 200 }, "round \(round): \(answered)")
                #expect(answered.count == (await sandbox.account.notes()).count, "round \(round)")
                #expect(answered.count == (await sandbox.account.stats()).requests, "round \(round)")
            } catch {
                await sandbox.stop()
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// A client that opens a connection per concurrent call and never times a call out (the tests' time
    /// limits end a call that hangs); a call whose connection is refused once the sandbox stopped ends within
    /// the connect timeout.
    static func manyConnectionClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(1)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Posts a well-formed note and returns the answer's status; throws if the connection closes first.
    static func postNote(to sandbox: SandboxServer, ticket: Int, with client: HTTPClient) async throws -> Int {
        let account = sandbox.account.configuration
        var request = HTTPClientRequest(
            url: sandbox.baseURL.absoluteString + "/api/tenants/\(account.tenantID)/internalnote/upload"
        )
        request.method = .POST
        request.headers = [
            "X-LSQ-ACCESS-KEY": account.accessKey, "X-LSQ-SECRET-KEY": account.secretKey,
            "Content-Type": "application/json",
        ]
        request.body = .bytes(ByteBuffer(string: NoteBody.with(["RelatedTicketId": "\(ticket)"])))
        let response = try await client.execute(request, timeout: .hours(1))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// Polls `condition` every 10 ms; fails after 30 seconds naming `what` never happened.
    static func waitUntil(_ what: String, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("Waited 30 seconds for \(what).")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
