import Foundation
import Logging
import NIOConcurrencyHelpers
@testable import Observability
import Testing

@Suite struct JSONLogHandlerTests {
    let lines = WrittenLines()

    private func logger(metadataProvider: Logger.MetadataProvider? = nil) -> Logger {
        let lines = lines
        return Logger(label: "notegate.gateway") { label in
            LineLogHandler(label: label, format: .json, metadataProvider: metadataProvider, write: { lines.append($0) })
        }
    }

    /// The only line written, parsed.
    private func onlyEntry() throws -> [String: Any] {
        let written = lines.all
        try #require(written.count == 1)
        let line = written[0]
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func eachEntryIsOneJSONObjectWithTimeLevelLabelMessageAndMetadata() throws {
        logger().info("Note posted", metadata: ["ledger_id": "42", "ticket": "TCK-1001"])

        let entry = try onlyEntry()
        #expect(Set(entry.keys) == ["time", "level", "label", "message", "ledger_id", "ticket"])
        #expect(entry["level"] as? String == "info")
        #expect(entry["label"] as? String == "notegate.gateway")
        #expect(entry["message"] as? String == "Note posted")
        #expect(entry["ledger_id"] as? String == "42")
        #expect(entry["ticket"] as? String == "TCK-1001")
        let time = try #require(entry["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")
    }

    @Test func quotesNewlinesAndControlCharactersStayOnOneLine() throws {
        let message = "He said \"stop\"\nthen left\t\\ \u{1}\r end ✓"
        let value = "line one\nline \"two\"\u{7f}"
        logger().warning("\(message)", metadata: ["subject": "\(value)", "quote\"key": "x"])

        let entry = try onlyEntry()
        #expect(entry["message"] as? String == message)
        #expect(entry["subject"] as? String == value)
        #expect(entry["quote\"key"] as? String == "x")
        #expect(entry["level"] as? String == "warning")
    }

    @Test func nestedMetadataBecomesObjectsAndArrays() throws {
        logger().info("Fetched", metadata: [
            "uids": [.stringConvertible(3), .stringConvertible(4)],
            "mailbox": ["account": "support", "folder": "INBOX"],
        ])

        let entry = try onlyEntry()
        #expect(entry["uids"] as? [String] == ["3", "4"])
        #expect(entry["mailbox"] as? [String: String] == ["account": "support", "folder": "INBOX"])
    }

    @Test func metadataNamedLikeTheLineKeysDoesNotOverwriteThem() throws {
        logger().info("Real message", metadata: ["message": "from metadata", "level": "fake"])

        let entry = try onlyEntry()
        #expect(entry["message"] as? String == "Real message")
        #expect(entry["level"] as? String == "info")
        #expect(entry["metadata.message"] as? String == "from metadata")
        #expect(entry["metadata.level"] as? String == "fake")
    }

    @Test func callMetadataWinsOverProviderWhichWinsOverTheLogger() throws {
        let provider = Logger.MetadataProvider { ["request": "provided", "trace": "t-1"] }
        var logger = logger(metadataProvider: provider)
        logger[metadataKey: "request"] = "logger"
        logger[metadataKey: "mailbox"] = "support/INBOX"

        logger.info("Posting", metadata: ["trace": "call"])

        let entry = try onlyEntry()
        #expect(entry["mailbox"] as? String == "support/INBOX")
        #expect(entry["request"] as? String == "provided")
        #expect(entry["trace"] as? String == "call")
    }

    @Test func errorIsWrittenUnderItsOwnKey() throws {
        struct LoginRefused: Error, CustomStringConvertible {
            var description: String { "login refused for \"ops@example.com\"" }
        }
        logger().log(level: .error, "Login failed", error: LoginRefused())

        let entry = try onlyEntry()
        #expect(entry["error"] as? String == "login refused for \"ops@example.com\"")
    }

    @Test func entriesBelowTheLevelAreNotWritten() {
        var logger = logger()
        logger.logLevel = .notice
        logger.info("quiet")
        logger.notice("loud")

        #expect(lines.all.count == 1)
    }

    @Test(arguments: LogFormat.allCases)
    func setupMakesTheChosenHandlerAtTheChosenLevel(format: LogFormat) {
        let handler = LoggingSetup.makeHandler(label: "notegate", format: format, level: .warning)

        #expect(handler.logLevel == .warning)
        #expect((handler as? LineLogHandler)?.format == format)
    }
}

/// What a handler wrote, line by line.
final class WrittenLines: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    var all: [String] { lines.withLockedValue { $0 } }

    func append(_ line: String) {
        lines.withLockedValue { $0.append(line) }
    }
}
