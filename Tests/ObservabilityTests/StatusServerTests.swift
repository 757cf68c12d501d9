import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Observability
import Prometheus
import ServiceLifecycle
import Testing

@Suite struct StatusServerTests {
    let registry = PrometheusCollectorRegistry()
    let metrics: GatewayMetrics

    init() {
        metrics = GatewayMetrics(factory: GatewayMetrics.prometheusFactory(registry: registry))
    }

    /// Runs `body` against a server on an ephemeral loopback port, then stops the server.
    private func withServer(
        health: @escaping @Sendable () async -> HealthReport = { .healthy },
        _ body: (_ port: Int) async throws -> Void
    ) async throws {
        let server = StatusServer(configuration: .init(port: 0), registry: registry, metrics: metrics, health: health)
        let running = try await server.start()
        do {
            try await body(running.port)
        } catch {
            await running.stop()
            throw error
        }
        await running.stop()
    }

    @Test func metricsServesTheRegistryAsPrometheusText() async throws {
        try await withServer { port in
            metrics.recordPosted()
            metrics.recordSkip(reason: "auto-reply")

            let answer = try await get("/metrics", port: port)

            #expect(answer.status == 200)
            #expect(answer.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
            let exposition = Exposition(text: answer.body)
            #expect(exposition.value("notegate_messages_posted_total") == 1)
            #expect(exposition.value(#"notegate_messages_skipped_total{reason="auto-reply"}"#) == 1)
        }
    }

    @Test func metricsBringsIdleAgesUpToDateOnEachScrape() async throws {
        try await withServer { port in
            metrics.recordWake(mailbox: "support/INBOX", at: Date().addingTimeInterval(-90))

            let answer = try await get("/metrics", port: port)

            let exposition = Exposition(text: answer.body)
            let age = try #require(exposition.value(#"notegate_imap_idle_age_seconds{mailbox="support/INBOX"}"#))
            #expect(age >= 90 && age < 120)
        }
    }

    @Test func healthyAnswers200WithStatusOK() async throws {
        try await withServer { port in
            let answer = try await get("/healthz", port: port)

            #expect(answer.status == 200)
            #expect(answer.contentType == "application/json")
            let body = try #require(JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            #expect(body.count == 1)
            #expect(body["status"] as? String == "ok")
        }
    }

    @Test func unhealthyAnswers503WithEachProblemAndSinceWhen() async throws {
        let since = try Date("2026-11-25T21:00:00Z", strategy: .iso8601)
        let report = HealthReport(problems: [
            .init(component: "leadsquared", reason: "The API answered 401: \"keys rejected\".", since: since),
            .init(component: "support/INBOX", reason: "unreachable", since: since.addingTimeInterval(90)),
        ])
        try await withServer(health: { report }) { port in
            let answer = try await get("/healthz", port: port)

            #expect(answer.status == 503)
            let body = try #require(JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])
            #expect(body["status"] as? String == "unhealthy")
            let problems = try #require(body["problems"] as? [[String: String]])
            #expect(problems == [
                ["component": "leadsquared", "reason": "The API answered 401: \"keys rejected\".",
                 "since": "2026-11-25T21:00:00Z"],
                ["component": "support/INBOX", "reason": "unreachable", "since": "2026-11-25T21:01:30Z"],
            ])
        }
    }

    @Test func healthIsAskedOnEveryRequest() async throws {
        let calls = Calls()
        let expiring = HealthReport(problems: [.init(component: "oauth", reason: "expiring", since: Date())])
        try await withServer(health: { await calls.count() == 1 ? .healthy : expiring }) { port in
            let first = try await get("/healthz", port: port)
            let second = try await get("/healthz", port: port)
            #expect(first.status == 200)
            #expect(second.status == 503)
        }
    }

    @Test(arguments: ["/", "/metrics/extra", "/health", "/sandbox/notes"])
    func anyOtherPathAnswers404(path: String) async throws {
        try await withServer { port in
            let answer = try await get(path, port: port)
            #expect(answer.status == 404)
        }
    }

    @Test func aPortInUseIsReportedWithWhatToDo() async throws {
        try await withServer { port in
            let second = StatusServer(
                configuration: .init(port: port), registry: registry, metrics: metrics, health: { .healthy }
            )
            let error = await #expect(throws: StatusServerError.self) { try await second.start() }
            #expect(error == .addressTaken(host: "127.0.0.1", port: port))
            #expect(error?.description.contains("127.0.0.1:\(port): another process already does") == true)
        }
    }

    @Test func aHostThatDoesNotResolveIsReported() async throws {
        let server = StatusServer(
            configuration: .init(host: "status.invalid", port: 0), registry: registry, metrics: metrics,
            health: { .healthy }
        )

        let error = await #expect(throws: StatusServerError.self) { try await server.start() }
        #expect(error == .unknownHost(host: "status.invalid", port: 0))
    }

    @Test func runsAsAServiceUntilGracefulShutdown() async throws {
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let server = StatusServer(
            configuration: .init(port: 0), registry: registry, metrics: metrics, health: { .healthy },
            onListening: { listening.yield($0) }
        )
        let group = ServiceGroup(
            services: [server], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try #require(await ports.first(where: { _ in true }))
            #expect(try await get("/healthz", port: port).status == 200)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// Counts calls across tasks.
private actor Calls {
    private var made = 0

    func count() -> Int {
        made += 1
        return made
    }
}

private struct Answer {
    let status: UInt
    let contentType: String?
    let body: String
}

private func get(_ path: String, port: Int) async throws -> Answer {
    let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 1 << 20)
    return Answer(
        status: response.status.code, contentType: response.headers.first(name: "content-type"),
        body: String(buffer: body)
    )
}
