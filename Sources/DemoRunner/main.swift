// `make demo`: the gateway end to end on loopback. Starts a private Dovecot and the LeadSquared
// sandbox, seeds the mailbox with a dozen realistic messages and a forward carrying a 30 MB
// attachment, runs one gateway pass until the mailbox is drained (printing each note as it is
// posted), prints the summary and the ledger, and stops everything it started.
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
// One more, made here rather than committed: an agent forwards a customer's mail that carries a
// 30 MB log file. notegate fetches its header and text (a few KB) and names the attachment.
try dovecot.append(forwardWithLargeAttachment(megabytes: 30))
say("Seeded INBOX with \(demoMessages.count) messages from fixtures/ and a forward carrying a 30 MB attachment.\n")

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

/// A forwarded mail (message/rfc822) whose inner message carries a log file of `megabytes` MB,
/// base64 in the message: what Gmail's and Outlook's attachment limits let through every day.
func forwardWithLargeAttachment(megabytes: Int) -> [UInt8] {
    let chunk = Data((0..<57).map { UInt8($0 * 7 % 256) }).base64EncodedString() + "\r\n"
    let attachment = String(repeating: chunk, count: megabytes * 1024 * 1024 / 57)
    return Array("""
    From: Sam Ortiz <sam@support.example>\r
    To: notes@support.example\r
    Subject: Fwd: [#143] Nightly export crashes\r
    Date: Tue, 24 Nov 2026 10:00:00 +0100\r
    Message-ID: <demo-forward-large@support.example>\r
    MIME-Version: 1.0\r
    Content-Type: multipart/mixed; boundary="outer"\r
    \r
    --outer\r
    Content-Type: text/plain; charset=utf-8\r
    \r
    Forwarding the customer's report; the full log is in their mail.\r
    --outer\r
    Content-Type: message/rfc822\r
    Content-Disposition: inline\r
    \r
    From: Customer <it@customer.example>\r
    Subject: Nightly export crashes\r
    Date: Mon, 23 Nov 2026 22:00:00 +0100\r
    Message-ID: <demo-customer-report@customer.example>\r
    MIME-Version: 1.0\r
    Content-Type: multipart/mixed; boundary="inner"\r
    \r
    --inner\r
    Content-Type: text/plain; charset=utf-8\r
    \r
    The nightly export failed again at 02:13; the log is attached.\r
    --inner\r
    Content-Type: text/plain; name="export.log"\r
    Content-Disposition: attachment; filename="export.log"\r
    Content-Transfer-Encoding: base64\r
    \r
    \(attachment)--inner--\r
    \r
    --outer--\r

    """.utf8)
}
