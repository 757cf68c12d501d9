import DovecotHarness
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LeadSquaredSandbox
import Testing

/// `check`, `fetch`, and `run`'s `/metrics` and `/healthz`: the real binary against the real servers.
@Suite(.serialized) struct OperatorCommandTests {
    @Test func checkReportsReadyAndThenTheWrongKey() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        let directory = dovecot.directory.appendingPathComponent("check")
        let refused = try await SandboxServer.with { sandbox in
            let config = try CrashConfig.write(in: directory, dovecot: dovecot, sandbox: sandbox)

            let ready = try await Gateway.commandInBackground(["check", "--config", config.path])
            #expect(ready.status == 0, "\(ready.output)")
            #expect(ready.output.contains("ok    mailbox loopback INBOX"))
            #expect(ready.output.contains("TLS verified"))
            #expect(ready.output.hasSuffix("notegate check: ready\n"))

            try Data("wrong".utf8).write(to: directory.appendingPathComponent("secret-key"))
            return try await Gateway.commandInBackground(["check", "--config", config.path])
        }
        #expect(refused.status == 1)
        #expect(refused.output.contains("FAIL  leadsquared"))
        #expect(!refused.output.contains("wrong"), "a secret must never be printed")
    }

    @Test func fetchListsDecisionsAndChangesNothing() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        try dovecot.append(CrashTests.message(7))
        let untagged = Array("From: a@x.example\r\nSubject: hello\r\nMessage-ID: <n@x>\r\n\r\nhi\r\n".utf8)
        try dovecot.append(untagged)
        let (result, notes) = try await SandboxServer.with { sandbox in
            let config = try CrashConfig.write(in: dovecot.directory.appendingPathComponent("fetch"),
                                               dovecot: dovecot, sandbox: sandbox)
            let fetched = try await Gateway.commandInBackground(["fetch", "--config", config.path])
            return (fetched, await sandbox.account.notes())
        }

        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("loopback INBOX: 2 message(s)"))
        #expect(result.output.contains("post to ticket 7"))
        #expect(result.output.contains("skip: no-ticket"))
        // `uid U  N bytes, M fetched  decision`: the size on the server and what notegate fetched of it.
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("  uid ") }
        #expect(lines.count == 2, "\(result.output)")
        for line in lines {
            let words = line.split(separator: " ")
            #expect(words.count > 6 && words[3] == "bytes," && words[5] == "fetched", "\(line)")
            #expect(words.count > 6 && Int(words[2]) != nil && (Int(words[4]) ?? 0) > 0, "\(line)")
        }
        #expect(lines.contains { $0.hasPrefix("  uid 2  \(untagged.count) bytes, ") }, "\(lines)")
        #expect(try dovecot.flags(in: "INBOX").values.allSatisfy { !$0.contains("\\Seen") })
        #expect(notes.isEmpty)
    }

    /// What `fetch` prints about a message comes from the mail; its control characters are shown as pictures.
    @Test func fetchShowsControlCharactersFromTheMailAsPictures() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        // `ESC[2J ESC]0;owned BEL` in the sender's address, which the allowlist refusal names.
        try dovecot.append(Array("""
            From: "\u{1B}[2J\u{1B}]0;owned\u{07}"@vendor.example\r
            Subject: [#143] hello\r
            Message-ID: <escape@x>\r
            \r
            hi\r

            """.utf8))
        let result = try await SandboxServer.with { sandbox in
            let config = try LoopbackGatewayConfig(
                directory: dovecot.directory.appendingPathComponent("fetch-escape"), dovecot: dovecot,
                apiURL: sandbox.baseURL.absoluteString, tenantID: sandbox.account.configuration.tenantID,
                accessKey: sandbox.account.configuration.accessKey,
                secretKey: sandbox.account.configuration.secretKey,
                sections: "senders:\n  allow: [\"support@example.com\"]")
            return try await Gateway.commandInBackground(["fetch", "--config", config.path])
        }
        #expect(result.status == 0, "\(result.output)")
        let raw = result.output.unicodeScalars.filter {
            $0.value < 0x20 && $0 != "\n" && $0 != "\t" || (0x7F...0x9F).contains($0.value)
        }
        #expect(raw.isEmpty, "fetch printed control characters \(raw.map { String($0.value, radix: 16) })")
        #expect(result.output.contains("skip: sender-not-allowed"), "\(result.output)")
        // The address parser ends the address at the `;`; what it kept is shown, escapes as pictures.
        #expect(result.output.contains("(sender \"␛[2J␛]0 is not on the allowlist)"), "\(result.output)")
    }

    @Test func runServesMetricsAndHealth() async throws {
        let dovecot = try DovecotServer()
        defer { dovecot.stop() }
        for index in 1...3 { try dovecot.append(CrashTests.message(index)) }
        let (health, metrics) = try await SandboxServer.with { sandbox in
            try await Self.healthAndMetricsOfARun(dovecot: dovecot, sandbox: sandbox)
        }

        #expect(health.status == 200)
        #expect(health.body.contains(#""status":"ok""#))
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("notegate_messages_posted_total 3"))
        #expect(metrics.body.contains(#"notegate_messages_seen_total{mailbox="loopback"} 3"#))
        #expect(metrics.body.contains(#"notegate_api_calls_total{outcome="posted"} 3"#))
        #expect(metrics.body.contains("notegate_queue_depth 0"))
    }

    /// Runs the gateway until it posted what `dovecot` holds, and reads its `/healthz` and `/metrics`.
    private static func healthAndMetricsOfARun(
        dovecot: DovecotServer, sandbox: SandboxServer
    ) async throws -> (health: (status: Int, body: String), metrics: (status: Int, body: String)) {
        let port = try freePort()
        let directory = dovecot.directory.appendingPathComponent("status")
        let config = try LoopbackGatewayConfig(
            directory: directory, dovecot: dovecot, apiURL: sandbox.baseURL.absoluteString,
            tenantID: sandbox.account.configuration.tenantID, accessKey: sandbox.account.configuration.accessKey,
            secretKey: sandbox.account.configuration.secretKey, statusListen: "127.0.0.1:\(port)")
        let process = try Gateway.start(config: config.path, log: directory.appendingPathComponent("gateway.log"))
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while await sandbox.account.notes().count < 3 {
            guard ContinuousClock.now < deadline else {
                Issue.record("waited 60 s in vain for 3 notes; the sandbox has \(await sandbox.account.notes().count)")
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // The posts are counted a moment after the sandbox has the notes, and the queue-depth gauge is sampled
        // every 2 s. Scrapes until all three are counted and, from a scrape at least one sampling interval
        // later (so the gauge is not the sample taken at startup, before anything was queued), the queue is empty.
        let metricsURL = "http://127.0.0.1:\(port)/metrics"
        let metricsDeadline = ContinuousClock.now + .seconds(60)
        var metrics = try await HTTP.get(metricsURL)
        var allPostedAt: ContinuousClock.Instant?
        while true {
            let posted = Self.value(of: "notegate_messages_posted_total", in: metrics.body) ?? 0
            if allPostedAt == nil, posted >= 3 { allPostedAt = .now }
            if let allPostedAt, ContinuousClock.now - allPostedAt >= .milliseconds(2_500),
               Self.value(of: "notegate_queue_depth", in: metrics.body) == 0 {
                break
            }
            guard ContinuousClock.now < metricsDeadline else {
                Issue.record("""
                    waited 60 s in vain for notegate_messages_posted_total >= 3 and, a sampling interval later, \
                    notegate_queue_depth 0; the last scrape:
                    \(metrics.body)
                    """)
                break
            }
            try await Task.sleep(for: .milliseconds(200))
            metrics = try await HTTP.get(metricsURL)
        }
        return (try await HTTP.get("http://127.0.0.1:\(port)/healthz"), metrics)
    }

    /// The value of the unlabelled series `name` in a Prometheus text exposition, if it is there.
    private static func value(of name: String, in exposition: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// One GET over loopback.
enum HTTP {
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: URL(string: url)!) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                continuation.resume(returning: (status, String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
    }
}

extension Gateway {
    /// ``command(_:)`` on a Dispatch thread: waiting for the process there keeps this test from holding one of
    /// the cooperative pool's threads (two on a 2-core machine), which every other test's sandbox needs to answer.
    static func commandInBackground(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try command(arguments) }) }
        }
    }

    /// Runs a short command to the end; stdout and stderr together.
    static func command(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let completion = try SpawnedProcess.run(executable.path, arguments)
        return (completion.status, completion.output)
    }
}
