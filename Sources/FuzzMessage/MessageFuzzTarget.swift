import FuzzHarness
import NoteExtraction

/// The whole `notegate explain` path: raw bytes → `ParsedMessage` → `NoteDecision`, with every
/// rule switched on (plus-addressing, a denylist, the DMARC requirement) so that each is reached.
enum MessageFuzzTarget {
    static let extractor = NoteExtractor(configuration: .init(
        maximumNoteBytes: 4 * 1024,
        gatewayAddresses: ["notes@support.example"],
        senderPolicy: SenderPolicy(denylist: [try! SenderPattern("*.spam.example")],
                                   requireDMARCPass: DMARCRequirement(trustedAuthservID: "mx.support.example"))
    ))

    static func run(_ input: [UInt8]) -> String {
        switch extractor.decide(rawMessage: input).action {
        case .post(let ticketID, let note): "post to ticket #\(ticketID), \(note.utf8.count)-byte note"
        case .skip(let reason, let detail): "skip: \(reason.rawValue)\(detail.map { " (\($0.prefix(200)))" } ?? "")"
        }
    }
}

@main
enum MessageFuzzer {
    static func main() { FuzzEntry.main(MessageFuzzTarget.run) }
}
