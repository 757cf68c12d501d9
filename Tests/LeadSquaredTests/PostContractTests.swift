import Foundation
import LeadSquared
import LeadSquaredSandbox
import Testing

/// The client against the sandbox over real HTTP: every row of the contract becomes the right outcome.
@Suite("Posting a note")
struct PostContractTests {
    let note = NoteRequest(ticketID: 143, text: "Customer replied: the invoice is attached.")

    @Test("A 200 becomes posted, with the receipt's string ids decoded")
    func acceptedNoteIsPosted() async throws {
        try await SandboxFixture.run { fixture in
            let outcome = await fixture.client.post(note)
            let receipt = NoteReceipt(message: "Activity Created", ticketID: 143, organizationID: "22824")
            #expect(outcome == .posted(receipt))
            let notes = await fixture.sandbox.account.notes()
            #expect(notes.map(\.ticketID) == [143])
            #expect(notes.map(\.text) == [note.text])
        }
    }

    @Test("Text survives the trip byte for byte: quotes, newlines, non-ASCII")
    func textIsSentExactly() async throws {
        let text = "Line one\n\"quoted\" \\ back/slash — café ✓ 🎫"
        try await SandboxFixture.run { fixture in
            #expect(await fixture.client.post(NoteRequest(ticketID: 34, text: text)).kind == .posted)
            #expect(await fixture.sandbox.account.notes().map(\.text) == [text])
        }
    }

    @Test("A 400 is rejected and keeps the server's message")
    func badRequestIsRejected() async throws {
        try await SandboxFixture.run(sandbox: { $0.knownTickets = [1] }) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .rejected)
            let reason = outcome.reason ?? ""
            #expect(reason.contains("400"))
            #expect(reason.contains("Ticket 143 does not exist."))
        }
    }

    @Test("Notes the API would refuse are rejected without a call", arguments: [
        NoteRequest(ticketID: 143, text: ""), NoteRequest(ticketID: 0, text: "x"),
        NoteRequest(ticketID: 143, text: String(repeating: "é", count: 600)),
    ])
    func unsendableNoteIsRejectedLocally(note: NoteRequest) async throws {
        try await SandboxFixture.run(client: { $0.maxNoteBytes = 1_000 }) { fixture in
            #expect(await fixture.client.post(note).kind == .rejected)
            #expect(await fixture.sandbox.account.stats().requests == 0)
        }
    }

    @Test("A 401 is a configuration fault")
    func wrongSecretIsConfigurationFault() async throws {
        try await SandboxFixture.run(client: { $0.secretKey = "wrong-secret" }) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .configuration)
            let reason = outcome.reason ?? ""
            #expect(reason.contains("401"))
            #expect(reason.contains("accessKey and secretKey"))
            #expect(await fixture.sandbox.account.notes().isEmpty)
        }
    }

    @Test("A 404 for a wrong tenant or a wrong host path is a configuration fault")
    func notFoundIsConfigurationFault() async throws {
        try await SandboxFixture.run(client: { $0.tenantID = "someone-else" }) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .configuration)
            let reason = outcome.reason ?? ""
            #expect(reason.contains("404"))
            #expect(reason.contains("tenantID"))
        }
        try await SandboxFixture.run(client: { $0.host = $0.host.appending(path: "gateway") }) { fixture in
            #expect(await fixture.client.post(note).kind == .configuration)
        }
    }

    @Test("A 500 is transient and carries the exception message")
    func serverFailureIsTransient() async throws {
        try await SandboxFixture.run(sandbox: { $0.faults.failureRate = 1 }) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .transient)
            let reason = outcome.reason ?? ""
            #expect(reason.contains("500"))
            #expect(reason.contains("simulated internal error"))
            #expect(await fixture.sandbox.account.notes().isEmpty)
        }
    }

    @Test("A connection dropped after the request was read is uncertain, whether or not the note was recorded",
          arguments: [(SandboxFaults.SilencePoint.afterCommit, 1), (.beforeCommit, 0)])
    func droppedConnectionIsUncertain(silencePoint: SandboxFaults.SilencePoint, recorded: Int) async throws {
        try await SandboxFixture.run(sandbox: {
            $0.faults = SandboxFaults(dropRate: 1, silencePoint: silencePoint)
        }) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .uncertain)
            let reason = outcome.reason ?? ""
            #expect(reason.contains("closed the connection"))
            #expect(await fixture.sandbox.account.notes().count == recorded)
        }
    }

    @Test("An answer held past the client's timeout is uncertain")
    func heldAnswerIsUncertain() async throws {
        // The server records the note, holds the answer for a minute and then closes without one: only the
        // client's own timeout can end the call as a timeout (a close would read "closed the connection"). The
        // timeout leaves a loaded machine time to deliver the request before it fires: 2 s once fired before
        // the sandbox had read the request, with parallel suites on 2 cores.
        try await SandboxFixture.run(
            sandbox: { $0.faults = SandboxFaults(timeoutRate: 1, holdMilliseconds: 60_000) },
            client: { $0.requestTimeout = .seconds(10) }
        ) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .uncertain)
            let reason = outcome.reason ?? ""
            #expect(reason.contains("timeout"))
            #expect(await fixture.sandbox.account.notes().count == 1)
        }
    }

    @Test("A refused connection is transient: nothing was sent")
    func refusedConnectionIsTransient() async throws {
        let stopped = try await SandboxServer.start()
        await stopped.stop()
        let client = try LeadSquaredClient(configuration: SandboxFixture.clientConfiguration(for: stopped))
        let outcome = await client.post(note)
        try await client.shutdown()
        #expect(outcome.kind == .transient)
        let reason = outcome.reason ?? ""
        #expect(reason.contains("could not be sent"))
        #expect(reason.lowercased().contains("refused"))
    }

    @Test("A host that does not speak TLS, or whose certificate is not trusted, is a configuration fault")
    func failedTLSHandshakeIsConfigurationFault() async throws {
        try await SandboxFixture.run(client: {
            $0.host = URL(string: $0.host.absoluteString.replacingOccurrences(of: "http:", with: "https:"))!
        }) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .configuration)
            #expect(outcome.reason?.contains("could not set up TLS") == true)
            #expect(await fixture.sandbox.account.notes().isEmpty)
        }
    }

    @Test("Added latency delays the answer but the note is posted")
    func latencyIsAdded() async throws {
        try await SandboxFixture.run(sandbox: { $0.faults.latencyMilliseconds = 300 }) { fixture in
            #expect(await fixture.client.post(note).kind == .posted)
        }
        // The answer comes after the latency: a client that gives up sooner has no answer. The timeout leaves a
        // loaded machine time to write the whole request first (one that fires before then is transient, as in
        // `heldAnswerIsUncertain`); the latency is far past it, and stopping the sandbox cuts it short.
        try await SandboxFixture.run(
            sandbox: { $0.faults.latencyMilliseconds = 60_000 },
            client: { $0.requestTimeout = .seconds(10) }
        ) { fixture in
            let outcome = await fixture.client.post(note)
            #expect(outcome.kind == .uncertain)
            #expect(outcome.reason?.contains("timeout") == true)
        }
    }
}
