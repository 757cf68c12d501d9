import Secrets
import ArgumentParser
import Foundation
import LeadSquared
import LeadSquaredSandbox
import Logging

/// `make bench-post`: drains a backlog of notes through the client into an in-process sandbox that enforces
/// the documented limit, and reports how close the drain came to the 5 notes/s ceiling and how many 429s
/// it met.
@main
struct PostBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notegate-bench",
        abstract: "Post a backlog of notes to a local sandbox at the API's ceiling and report the rate achieved."
    )

    @Option(help: "Notes in the backlog.")
    var notes = 500

    @Option(help: "Notes in flight at once (posters sharing one client and governor).")
    var concurrency = 25

    func run() async throws {
        let limit = RateLimit.documented
        let sandbox = try await SandboxServer.start(sandboxConfiguration(limit))
        let client = try LeadSquaredClient(configuration: clientConfiguration(for: sandbox))
        let ceiling = Double(limit.calls) / (limit.window / .seconds(1))
        print("bench-post: \(notes) notes, \(concurrency) posters, sandbox limit \(limit.calls) calls per "
            + "\((limit.window / .seconds(1))) s (ceiling \(ceiling) notes/s)")

        let started = ContinuousClock.now
        let tally = await drain(client)
        let wallTime = (ContinuousClock.now - started) / .seconds(1)
        try await client.shutdown()
        let recorded = await sandbox.account.notes()
        let stats = await sandbox.account.stats()
        await sandbox.stop()

        // The first window's calls go out at once; after that the ceiling governs. The sustained rate is the
        // notes after the first window over the time from the first note to the last, as the server saw them.
        let span = recorded.last.map { $0.receivedAt.timeIntervalSince(recorded[0].receivedAt) } ?? 0
        let sustained = span > 0 ? Double(recorded.count - limit.calls) / span : 0
        let ratio = sustained / ceiling
        print(String(format: "posted %d/%d (sandbox recorded %d) in %.2f s wall time", tally.posted, notes,
                     recorded.count, wallTime))
        print(String(
            format: "sustained %.3f notes/s (%d notes after the first window over %.2f s) = %.4f of the ceiling",
            sustained, recorded.count - limit.calls, span, ratio
        ))
        let others = tally.other.isEmpty ? "none" : tally.other.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        print("429s: \(tally.rateLimited) seen by the client, \(stats.rateLimited) counted by the sandbox; "
            + "other outcomes: \(others)")
        let met = ratio >= 0.97 && stats.rateLimited == 0 && tally.posted == notes
        print("goal (≥ 0.97 of the ceiling, no 429, every note posted): \(met ? "met" : "NOT met")")
        if !met { throw ExitCode.failure }
    }

    /// Posts every note, `concurrency` at a time, re-posting a note after a 429 as the pipeline would.
    private func drain(_ client: LeadSquaredClient) async -> Tally {
        await withTaskGroup(of: Tally.self) { group in
            var next = 1
            var tally = Tally()
            func addPoster() {
                guard next <= notes else { return }
                let note = NoteRequest(ticketID: next, text: "Benchmark note \(next) of \(notes).")
                next += 1
                group.addTask { await Tally(posting: note, with: client) }
            }
            for _ in 0..<concurrency { addPoster() }
            for await result in group {
                tally.add(result)
                addPoster()
            }
            return tally
        }
    }

    private func sandboxConfiguration(_ limit: RateLimit) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.callLimit = limit
        return configuration
    }

    private func clientConfiguration(for sandbox: SandboxServer) -> LeadSquaredClient.Configuration {
        let account = sandbox.account.configuration
        return LeadSquaredClient.Configuration(
            host: sandbox.baseURL, tenantID: account.tenantID,
            accessKey: Secret(account.accessKey), secretKey: Secret(account.secretKey)
        )
    }
}

/// What became of the notes posted so far.
struct Tally: Sendable {
    var posted = 0
    var rateLimited = 0
    var other: [String: Int] = [:]

    init() {}

    /// Posts one note until it is no longer rate limited.
    init(posting note: NoteRequest, with client: LeadSquaredClient) async {
        while true {
            let outcome = await client.post(note)
            switch outcome {
            case .posted:
                posted += 1
                return
            case .rateLimited(let retryAfter):
                rateLimited += 1
                try? await Task.sleep(for: retryAfter)
            default:
                other[outcome.kind.rawValue, default: 0] += 1
                return
            }
        }
    }

    mutating func add(_ other: Tally) {
        posted += other.posted
        rateLimited += other.rateLimited
        self.other.merge(other.other, uniquingKeysWith: +)
    }
}
