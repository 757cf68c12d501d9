import ArgumentParser
import Gateway
import GatewayConfig
import IMAPSource
import Logging
import NoteExtraction
import Observability

struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Show the new messages of each configured mailbox and what notegate would do with them.",
        discussion: """
        Connects to every mailbox in the config file, reads the messages of its folders without \
        marking them read, and prints one line per message: UID, size on the server, the bytes \
        notegate fetched of it (its header and text, never attachments; at most max_message_bytes), \
        and the ticket decision. \
        Nothing changes on the server and nothing is posted, so it is safe before going live.
        """
    )

    @Option(help: "The notegate config file (YAML).")
    var config: String

    @Option(help: "Show at most this many messages per folder.")
    var limit: Int?

    func run() async throws {
        let configuration = try GatewayConfiguration.load(path: config)
        var logger = Logger(label: "notegate.fetch", factory: { LineLogHandler(label: $0, format: .text) })
        logger.logLevel = .warning
        let extractor = NoteExtractor(configuration: try GatewayRuntime.extractorConfiguration(configuration))
        for mailbox in configuration.mailboxes {
            for folder in mailbox.folders {
                let watcher = MailboxWatcher(mailbox: mailbox, folder: folder, checkpoints: InMemoryCheckpointStore(),
                                             logger: logger)
                let messages = try await watcher.peekNewMessages(limit: limit)
                print("\(mailbox.name) \(folder): \(messages.count) message(s)")
                for message in messages {
                    print(TerminalText.sanitized(line(for: message, extractor: extractor)))
                }
            }
        }
    }

    private func line(for message: FetchedMessage, extractor: NoteExtractor) -> String {
        let head = "  uid \(message.uid)  \(message.size) bytes, \(message.fetchedBytes) fetched  "
        if let problem = message.fetchProblem { return head + "error: \(problem)" }
        if message.isTooLarge {
            return head + "skip: too-large" + (message.tooLargeDetail.map { " (\($0))" } ?? "")
        }
        if message.isBeforeStart { return head + "skip: before-start (there before the first start; start_from)" }
        let decision = extractor.decide(rawMessage: message.raw)
        switch decision.action {
        case .post(let ticketID, _):
            return head + "post to ticket \(ticketID)"
        case .skip(let reason, let detail):
            return head + "skip: \(reason.rawValue)" + (detail.map { " (\($0))" } ?? "")
        }
    }
}
