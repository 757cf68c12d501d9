import ArgumentParser
import Foundation
import NoteExtraction
import Observability

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show which ticket each message would be posted to and the exact note, or why it would be skipped.",
        discussion: """
            Reads .eml files and prints notegate's decision for each, without connecting anywhere.
            Control characters from the mail are shown as pictures (ESC as ␛, C1 controls as �).
            With --json, prints exactly one JSON object per line:
            {"file", "messageId", "action": "post"|"skip", "ticketId", "reason", "note", "text"}.
            With --trimmed (not with --json), each explanation ends with what reply trimming cut
            from the body, stretch by stretch, under the name of the rule that cut it.
            A file that cannot be read is reported on stderr; the others are still explained,
            and the exit status is 1.
            """
    )

    @Flag(name: .long, help: "One JSON object per file and line.")
    var json = false

    @Flag(name: .long, help: "Below each note, show what reply trimming cut from the body and which rule cut it.")
    var trimmed = false

    @Option(name: .long, help: "The ticket tag pattern: a regular expression with one capture group.")
    var ticketPattern: String = TicketPattern.defaultPattern

    @Option(name: .long, help: "The largest note in bytes before its text is truncated.")
    var maxNoteBytes: Int = 64 * 1024

    @Option(name: .long, help: "A gateway address (repeatable); mail to its plus-address local+N@domain goes to ticket N.")
    var gatewayAddress: [String] = []

    @Argument(help: "Message files (.eml).")
    var files: [String]

    func run() async throws {
        let pattern: TicketPattern
        do {
            pattern = try TicketPattern(ticketPattern)
        } catch {
            throw ValidationError("--ticket-pattern: \(error)")
        }
        let extractor = NoteExtractor(configuration: .init(ticketPattern: pattern, maximumNoteBytes: maxNoteBytes,
                                                          gatewayAddresses: gatewayAddress))
        var unreadable = 0
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                unreadable += 1
                FileHandle.standardError.write(Data("notegate: cannot read \(file): \(error.localizedDescription)\n".utf8))
                continue
            }
            let decision = extractor.decide(rawMessage: bytes)
            print(json ? ExplanationJSON.line(file: file, decision: decision)
                : TerminalText.sanitized(Self.summary(file, decision)))
            if trimmed, !json, let message = try? extractor.parse(bytes) {
                print(TerminalText.sanitized(Self.trimReport(extractor.trimmedBody(of: message))))
            }
        }
        if unreadable > 0 { throw ExitCode(1) }
    }

    static func summary(_ file: String, _ decision: NoteDecision) -> String {
        var lines = ["== \(file)"]
        lines.append("   Message-ID: \(decision.messageID.map { "<\($0)>" } ?? "(none)")")
        switch decision.action {
        case .post(let ticketID, let note):
            lines.append("   Decision:   post to ticket #\(ticketID)")
            lines.append("   Note (\(note.utf8.count) bytes):")
            lines += note.split(separator: "\n", omittingEmptySubsequences: false).map { "   | \($0)" }
        case .skip(let reason, let detail):
            let ticket = decision.ticketID.map { " (ticket #\($0))" } ?? ""
            lines.append("   Decision:   skip: \(reason.rawValue)\(ticket)\(detail.map { " — \($0)" } ?? "")")
            if let text = decision.text {
                lines.append("   Text understood:")
                lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { "   | \($0)" }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The `--json` line for one file: keys in the documented order, absent values as explicit nulls.
enum ExplanationJSON {
    static func line(file: String, decision: NoteDecision) -> String {
        var note: String?
        var reason: String?
        switch decision.action {
        case .post(_, let text): note = text
        case .skip(let skipReason, _): reason = skipReason.rawValue
        }
        return JSONText.object([
            ("file", JSONText.string(file)),
            ("messageId", JSONText.string(decision.messageID)),
            ("action", JSONText.string(note == nil ? "skip" : "post")),
            ("ticketId", JSONText.number(decision.ticketID)),
            ("reason", JSONText.string(reason)),
            ("note", JSONText.string(note)),
            ("text", JSONText.string(decision.text)),
        ])
    }
}
