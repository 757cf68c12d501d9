import Foundation

/// Faults that only tests inject, to prove that the gateway survives a crash. TEST-ONLY: honoured only
/// when `NOTEGATE_TEST_FAULTS=1` is set as well, so that a stray variable cannot crash production.
///
/// - `NOTEGATE_TEST_ABORT_ON_MESSAGE_ID=<id>`: the process aborts (SIGABRT) while handling the message
///   with this Message-ID (as in the header, angle brackets optional), after it is parsed and before its
///   outcome is recorded: what a parser crash on that message would do.
enum TestFaults {
    private static let abortMessageID: String? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["NOTEGATE_TEST_FAULTS"] == "1",
              let id = environment["NOTEGATE_TEST_ABORT_ON_MESSAGE_ID"], !id.isEmpty else { return nil }
        return normalized(id)
    }()

    static func abortIfRequested(messageID: String?) {
        guard let wanted = abortMessageID, let messageID, normalized(messageID) == wanted else { return }
        FileHandle.standardError.write(Data("notegate: test fault: aborting on Message-ID \(messageID)\n".utf8))
        abort()
    }

    private static func normalized(_ id: String) -> String {
        id.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
    }
}
