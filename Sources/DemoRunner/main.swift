// `make demo`: the gateway end to end on loopback. Starts a private Dovecot and the LeadSquared
// sandbox, seeds the mailbox with a dozen realistic messages, runs one gateway pass until the
// mailbox is drained (printing each note as it is posted), prints the summary and the ledger,
// and stops everything it started.
import DovecotHarness
import Foundation
import Gateway
import GatewayConfig
import LeadSquaredSandbox
import Ledger
import Logging

let demoMessages = [
    "ticket-simple.eml", "forward-inline-gmail.eml", "forward-as-attachment.eml", "vendor-thread-1-tagged.eml",
    "vendor-thread-2-untagged-reply.eml", "html-only.eml", "reply-outlook-html.eml", "reply-attribution-german.eml",
    "charset-iso-2022-jp.eml", "nested-mixed-related-alternative.eml", "auto-reply-auto-submitted.eml",
    "bounce-delivery-status.eml", "ticket-not-tags.eml",
]

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

let dovecot = try DovecotServer()
let sandbox = try await SandboxServer.start()
say("Started a private Dovecot (imaps on 127.0.0.1:\(dovecot.imapsPort)) and the LeadSquared sandbox (\(sandbox.baseURL)).")

for name in demoMessages {
    let bytes = try Data(contentsOf: packageRoot.appendingPathComponent("fixtures").appendingPathComponent(name))
    try dovecot.append(Array(bytes))
}
say("Seeded INBOX with \(demoMessages.count) messages from fixtures/.\n")

let config = try LoopbackGatewayConfig(
    directory: dovecot.directory.appendingPathComponent("demo"), dovecot: dovecot,
    apiURL: sandbox.baseURL.absoluteString, tenantID: sandbox.account.configuration.tenantID,
    accessKey: sandbox.account.configuration.accessKey, secretKey: sandbox.account.configuration.secretKey,
    sections: "notes:\n  gateway_addresses: [notes@support.example]\n")
let configuration = try GatewayConfiguration.load(path: config.path)
var logger = Logger(label: "notegate.demo")
logger.logLevel = .warning
let reader = NoteReader(path: configuration.ledger.path)
let runtime = try GatewayRuntime(configuration: configuration, logger: logger) { event in
    switch event {
    case .recorded(.skipped(let id, let reason)):
        say("· skipped ledger #\(id): \(reason)")
    case .posted(let result) where result.kind == .posted:
        let note = await reader.note(result.entryID)
        say("✓ posted ledger #\(result.entryID) to ticket #\(result.ticketID):")
        say(note.split(separator: "\n", omittingEmptySubsequences: false).map { "    │ \($0)" }.joined(separator: "\n"))
    case .posted(let result):
        say("! ledger #\(result.entryID), ticket #\(result.ticketID): \(result.kind.rawValue) \(result.detail ?? "")")
    default:
        break
    }
}
let summary = try await runtime.runOnce()
await runtime.shutdown()

say("\nDrained. \(summary.description).")
say("The sandbox holds \(await sandbox.account.notes().count) notes; `notegate ledger list` says:\n")
let notegate = packageRoot.appendingPathComponent(".build/debug/notegate").path
let list = Process()
list.executableURL = URL(fileURLWithPath: notegate)
list.arguments = ["ledger", "list", "--ledger", configuration.ledger.path]
try list.run()
list.waitUntilExit()

await sandbox.stop()
dovecot.stop()
say("\nStopped Dovecot and the sandbox. Try `notegate explain fixtures/*.eml` to see any decision in detail.")

/// Reads a posted note back from the ledger, for printing.
struct NoteReader: Sendable {
    let path: String

    func note(_ id: LedgerEntryID) async -> String {
        guard let reader = try? SQLiteLedgerReader(readOnlyPath: path) else { return "" }
        return (try? await reader.entry(id))?.note ?? ""
    }
}
