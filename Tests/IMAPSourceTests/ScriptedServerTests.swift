import Foundation
import GatewayConfig
@testable import IMAPSource
import Testing

/// The fetch against a server that does everything RFC 3501 allows around its answers, and against
/// one that is broken or hostile.
@Suite("Fetching from a scripted IMAP server")
struct ScriptedServerTests {
    /// A config for the scripted server: plain TCP on loopback, any password.
    static func config(_ server: ScriptedIMAPServer, maxMessageBytes: Int = 26_214_400) -> MailboxConfig {
        MailboxConfig(name: "scripted", host: "127.0.0.1", port: server.port, transport: .plain, allowInsecure: true,
                      username: "notes", authentication: .login(password: .environment("HOME")),
                      maxMessageBytes: maxMessageBytes, timeoutSeconds: 5, startFrom: .all)
    }

    static func peek(_ server: ScriptedIMAPServer, maxMessageBytes: Int = 26_214_400) async throws -> [FetchedMessage] {
        let watcher = MailboxWatcher(mailbox: config(server, maxMessageBytes: maxMessageBytes), folder: "INBOX",
                                     checkpoints: InMemoryCheckpointStore(), logger: testLogger)
        return try await watcher.peekNewMessages()
    }

    /// A small text message (fetched whole), and one with a text part and a large attachment
    /// (fetched in two steps), as the scripted server serves them.
    static let mailbox: [ScriptedIMAPServer.Message] = {
        let small = "From: a@example.com\r\nSubject: [#1] small\r\n\r\nThe printer is fixed.\r\n"
        let header = "From: b@example.com\r\nSubject: [#2] with log\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        let text = "Please see the log attached.\r\n"
        let attachment = String(repeating: "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n", count: 4_000)
        let body = "--b\r\nContent-Type: text/plain\r\n\r\n\(text)--b\r\nContent-Type: application/zip\r\n"
            + "Content-Disposition: attachment; filename=\"log.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "\(attachment)--b--\r\n"
        let structure = "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" \(text.utf8.count) 1 NIL NIL NIL NIL)"
            + "(\"application\" \"zip\" NIL NIL NIL \"base64\" \(attachment.utf8.count) NIL "
            + "(\"attachment\" (\"filename\" \"log.zip\")) NIL NIL) \"mixed\" (\"boundary\" \"b\") NIL NIL NIL)"
        let smallHeader = "From: a@example.com\r\nSubject: [#1] small\r\n\r\n"
        return [
            .init(uid: 1, bodyStructure: "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 23 1 NIL NIL NIL NIL)",
                  sections: ["": Array(small.utf8), "HEADER": Array(smallHeader.utf8), "1": Array("The printer is fixed.\r\n".utf8)]),
            .init(uid: 2, flags: "\\Flagged", bodyStructure: structure,
                  sections: ["": Array((header + body).utf8), "HEADER": Array(header.utf8), "1": Array(text.utf8)]),
            .init(uid: 3, bodyStructure: "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 23 1 NIL NIL NIL NIL)",
                  sections: ["": Array(small.utf8), "HEADER": Array(smallHeader.utf8), "1": Array("The printer is fixed.\r\n".utf8)]),
        ]
    }()

    @Test(arguments: [(true, false), (true, true), (false, true)])
    func unsolicitedResponsesAroundEveryAnswerChangeNothing(chatter: Bool, splitAnswers: Bool) async throws {
        let server = try ScriptedIMAPServer(messages: Self.mailbox, chatter: chatter, splitAnswers: splitAnswers)
        defer { server.stop() }
        let messages = try await Self.peek(server)
        #expect(messages.map(\.uid) == [1, 2, 3])
        #expect(messages.allSatisfy { $0.fetchProblem == nil })
        let raws = messages.map { String(decoding: $0.raw, as: UTF8.self) }
        #expect(raws[0].contains("Subject: [#1] small") && raws[0].contains("The printer is fixed."))
        #expect(raws[1].contains("Subject: [#2] with log") && raws[1].contains("Please see the log attached."))
        #expect(raws[1].contains("X-Notegate-Omitted-Size: 111076"))
        #expect(raws[2].contains("The printer is fixed."))
        #expect(messages[1].flags == ["\\Flagged"])
        #expect(messages[1].size > 64 * 1024)
        #expect(messages[1].fetchedBytes < 1_024)
        #expect(server.commands.contains { $0.contains("UID FETCH 2 (UID BODY.PEEK[1]<0.30>)") })
        // The small messages' headers came with the structure: only the rest of them is fetched.
        #expect(server.commands.contains { $0.contains("UID FETCH 1,3 (UID BODY.PEEK[TEXT]<0.") })
        #expect(!server.commands.contains { $0.contains("BODY.PEEK[]") })
    }

    @Test func theActionsOfABatchAreOneCommandPerAction() async throws {
        let server = try ScriptedIMAPServer(messages: Self.mailbox)
        defer { server.stop() }
        var config = Self.config(server)
        config.actions = MailboxConfig.OutcomeActions(posted: .seen, skipped: .keep, failed: .delete)
        let watcher = MailboxWatcher(mailbox: config, folder: "INBOX", checkpoints: InMemoryCheckpointStore(),
                                     logger: testLogger)
        let events = EventRecorder()
        let task = Task {
            try await watcher.run(batches: { messages in
                messages.map { $0.uid == 2 ? .failed : .posted }
            }, events: { await events.record($0) })
        }
        do {
            try await events.waitFor("caught up") { $0 == .caughtUp }
        } catch {
            await stop(task)
            throw error
        }
        await stop(task)
        let stores = server.commands.filter { $0.contains("UID STORE") }
        #expect(stores.count == 2, "\(stores)")
        #expect(stores.first?.contains("UID STORE 1,3 +FLAGS.SILENT (\\Seen)") == true, "\(stores)")
        #expect(stores.last?.contains("UID STORE 2 +FLAGS.SILENT (\\Deleted)") == true, "\(stores)")
        #expect(server.commands.filter { $0.contains("EXPUNGE") }.count == 1)
    }

    @Test func largerMessagesAskingForTheSameSectionsShareOneFetch() async throws {
        var second = Self.mailbox[1]
        second.uid = 4
        let longer = "Please see the log attached, and the one before.\r\n"
        second.sections["1"] = Array(longer.utf8)
        second.bodyStructure = second.bodyStructure.replacingOccurrences(of: "\"7bit\" 30 1", with: "\"7bit\" \(longer.utf8.count) 1")
        let server = try ScriptedIMAPServer(messages: Self.mailbox + [second], chatter: true)
        defer { server.stop() }
        let messages = try await Self.peek(server)
        #expect(messages.map(\.uid) == [1, 2, 3, 4])
        let raws = messages.map { String(decoding: $0.raw, as: UTF8.self) }
        #expect(raws[1].contains("Please see the log attached.\r\n") && !raws[1].contains("the one before"))
        #expect(raws[3].contains("Please see the log attached, and the one before."))
        #expect(messages[1].fetchedBytes == Self.mailbox[1].sections["HEADER"]!.count + 30)
        let sectionFetches = server.commands.filter { $0.contains("BODY.PEEK[1]") }
        #expect(sectionFetches.count == 1)
        #expect(sectionFetches.first?.contains("UID FETCH 2,4 (UID BODY.PEEK[1]<0.\(longer.utf8.count)>)") == true,
                "\(sectionFetches)")
    }

    @Test func sectionLeftOutOfTheAnswerIsAProblemNeverAnEmptyMessage() async throws {
        let server = try ScriptedIMAPServer(messages: Self.mailbox, chatter: true, hostility: .textSectionsLeftOut)
        defer { server.stop() }
        let messages = try await Self.peek(server)
        #expect(messages.map(\.uid) == [1, 2, 3])
        for message in messages {
            #expect(message.raw.isEmpty)
            #expect(message.fetchProblem?.contains("answered UID FETCH for UID \(message.uid) without BODY[") == true)
        }

        // The watcher hands none of them over: it fails the pass and fetches them again.
        let watcher = MailboxWatcher(mailbox: Self.config(server), folder: "INBOX",
                                     checkpoints: InMemoryCheckpointStore(), logger: testLogger)
        let recorder = MessageRecorder()
        let events = EventRecorder()
        let task = startWatching(watcher, recorder: recorder, events: events)
        try await events.waitFor("a failed pass") {
            if case .connectionFailed(let reason) = $0 { return reason.contains("without BODY[TEXT]<0.") }
            return false
        }
        await stop(task)
        #expect(await recorder.messages.isEmpty)
    }

    @Test func textPastTheBudgetIsNeverRequested() async throws {
        let text = String(repeating: "All work and no play makes Jack a dull boy.\r\n", count: 8_000)
        let header = "From: c@example.com\r\nSubject: [#3] long\r\n\r\n"
        let message = ScriptedIMAPServer.Message(
            uid: 1, bodyStructure: "(\"text\" \"plain\" NIL NIL NIL \"7bit\" \(text.utf8.count) 8000 NIL NIL NIL NIL)",
            sections: ["": Array((header + text).utf8), "HEADER": Array(header.utf8), "1": Array(text.utf8)])
        let server = try ScriptedIMAPServer(messages: [message], chatter: true)
        defer { server.stop() }
        let fetched = try #require(try await Self.peek(server, maxMessageBytes: 100_000).first)
        let raw = String(decoding: fetched.raw, as: UTF8.self)
        #expect(!fetched.isTooLarge)
        #expect(fetched.fetchedBytes <= 100_000)
        #expect(server.commands.contains { $0.contains("BODY.PEEK[1]<0.\(100_000 - header.utf8.count)>") })
        #expect(raw.contains("X-Notegate-Truncated-Size: \(text.utf8.count)"))
        // 360,000 bytes of text, 99,945 of them fetched in whole lines.
        let marked = raw.contains("[notegate: note truncated, 254 KB of text not fetched]")
        #expect(marked)
        #expect(raw.hasPrefix("From: c@example.com"))
    }

    @Test(arguments: [
        (ScriptedIMAPServer.Hostility.hugeLiteral, "announced a literal of 4000000000 bytes"),
        (.endlessReply, "sent more than the"),
        (.endlessLine, "sent more than the"),
        (.deepNesting, "nested its reply deeper than 256 levels"),
    ])
    func hostileRepliesEndInAClearErrorNotInUnboundedMemory(hostility: ScriptedIMAPServer.Hostility,
                                                           expected: String) async throws {
        let server = try ScriptedIMAPServer(messages: Self.mailbox, hostility: hostility)
        defer { server.stop() }
        let error = await #expect(throws: IMAPError.self) { try await Self.peek(server) }
        #expect(error?.code == .replyOverBudget)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
        #expect(error?.isRetryable == true)
        // The client stopped reading: the server wrote no more than the reply's budget (about 7 MB
        // for three messages) plus what the sockets buffer.
        #expect(server.bytesSent < 32 * 1024 * 1024)
    }
}
