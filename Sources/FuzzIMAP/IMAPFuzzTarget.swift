import Dispatch
import Foundation
import FuzzHarness
import GatewayConfig
import IMAPSource
import NoteExtraction

/// A hostile IMAP server: the input is everything the server says, from the greeting on, and
/// notegate's client plays one watcher pass against it (`IMAPReplay`), then decides each message it
/// fetched as the pipeline would.
enum IMAPFuzzTarget {
    static let passwordVariable = "NOTEGATE_FUZZ_IMAP_PASSWORD"

    static let mailbox: MailboxConfig = {
        setenv(passwordVariable, "fuzz-password", 1)
        return MailboxConfig(name: "fuzz", host: "imap.fuzz.example", transport: .plain, allowInsecure: true,
                             username: "notes@support.example",
                             authentication: .login(password: .environment(passwordVariable)),
                             maxMessageBytes: 1024 * 1024, timeoutSeconds: 1)
    }()

    static let extractor = NoteExtractor()

    static func run(_ input: [UInt8]) -> String {
        let mailbox = mailbox
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        Task {
            switch await IMAPReplay.pass(serverReplies: input, mailbox: mailbox) {
            case .success(let messages):
                let decisions = messages.map { message in
                    "uid \(message.uid): \(extractor.decide(rawMessage: message.raw).action)"
                }
                outcome.text = "pass completed, \(messages.count) messages. " + decisions.joined(separator: "; ")
            case .failure(let error):
                outcome.text = "pass ended: \(error.message.prefix(200))"
            }
            finished.signal()
        }
        finished.wait()
        return outcome.text
    }

    /// What the pass did, written by its task before it signals and read after the wait.
    private final class Outcome: @unchecked Sendable {
        var text = ""
    }
}

@main
enum IMAPFuzzer {
    static func main() {
        _ = IMAPFuzzTarget.extractor
        FuzzEntry.main(IMAPFuzzTarget.run)
    }
}
