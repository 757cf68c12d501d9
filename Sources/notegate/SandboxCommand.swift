import ArgumentParser
import Foundation
import LeadSquared
import LeadSquaredSandbox
import Logging

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local stand-in for the LeadSquared Service CRM API on 127.0.0.1.",
        discussion: """
            It answers the internal-note call and the ticket-details call as the API documents them \
            (404 for other paths or tenants, 401 for wrong keys, 400 for any body not exactly per spec, \
            429 past the call limit) and records every accepted note. Faults can be injected here or later \
            with PUT /sandbox/faults. GET /sandbox/notes lists the notes, DELETE /sandbox/notes clears them, \
            GET /sandbox/stats counts the answers. Stop it with Ctrl-C.
            """
    )

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: ArgumentHelp("The valid keys.", valueName: "access:secret"))
    var keys = "sandbox-access-key:sandbox-secret-key"

    @Option(help: "The tenant id in the API path.")
    var tenant = "sandbox"

    @Option(help: ArgumentHelp("The tickets that exist, e.g. 143,144; others answer 400. Default: all.",
                               valueName: "ids"))
    var tickets: String?

    @Option(help: ArgumentHelp("The call limit per access key, calls/seconds.", valueName: "calls/seconds"))
    var rateLimit = "25/5"

    @Flag(help: "Enforce no call limit.")
    var noRateLimit = false

    @Option(help: "Fraction of note calls answered 500.")
    var failRate = 0.0

    @Option(help: "Delay added before every API answer, in milliseconds.")
    var latencyMs = 0

    @Option(help: "Fraction of note calls whose connection is closed without an answer.")
    var dropRate = 0.0

    @Option(help: "Fraction of note calls held for --hold-ms, then closed without an answer.")
    var timeoutRate = 0.0

    @Option(help: "How long a held call is held, in milliseconds.")
    var holdMs = 35_000

    @Option(help: ArgumentHelp(
        "Whether unanswered notes are recorded: after-commit (recorded, then silence) or before-commit (not).",
        valueName: "point"))
    var silence = SandboxFaults.SilencePoint.afterCommit.rawValue

    func run() async throws {
        let configuration = try sandboxConfiguration()
        let logger = Logger(label: "notegate.sandbox")
        let limit = configuration.callLimit.map(String.init(describing:)) ?? "no call limit"
        try await SandboxServer.run(configuration, logger: logger) { port in
            print("LeadSquared sandbox on http://127.0.0.1:\(port), tenant \(configuration.tenantID), \(limit).")
        }
    }

    private func sandboxConfiguration() throws -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.port = port
        configuration.tenantID = tenant
        let keyParts = keys.split(separator: ":", maxSplits: 1).map(String.init)
        guard keyParts.count == 2, !keyParts[0].isEmpty, !keyParts[1].isEmpty else {
            throw ValidationError("--keys must be access:secret, both non-empty.")
        }
        (configuration.accessKey, configuration.secretKey) = (keyParts[0], keyParts[1])
        if let tickets {
            let ids = tickets.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--tickets must be positive ticket numbers separated by commas, e.g. 143,144.")
            }
            configuration.knownTickets = Set(ids.compactMap { $0 })
        }
        configuration.callLimit = noRateLimit ? nil : try callLimit()
        guard let silencePoint = SandboxFaults.SilencePoint(rawValue: silence) else {
            throw ValidationError("--silence must be after-commit or before-commit.")
        }
        configuration.faults = SandboxFaults(
            failureRate: failRate, dropRate: dropRate, timeoutRate: timeoutRate, silencePoint: silencePoint,
            holdMilliseconds: holdMs, latencyMilliseconds: latencyMs
        )
        if let problem = configuration.faults.problem { throw ValidationError(problem) }
        return configuration
    }

    private func callLimit() throws -> RateLimit {
        let parts = rateLimit.split(separator: "/").map { Double($0) }
        guard parts.count == 2, let calls = parts[0], let seconds = parts[1], calls >= 1, calls == calls.rounded(),
            seconds > 0
        else {
            throw ValidationError("--rate-limit must be calls/seconds, e.g. 25/5.")
        }
        return .init(calls: Int(calls), per: .seconds(seconds))
    }
}
