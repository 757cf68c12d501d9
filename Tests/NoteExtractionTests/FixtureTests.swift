import Foundation
import Testing
import NoteExtraction

/// Every hand-made fixture under `fixtures/` against the decision written for it in
/// `fixtures/expectations.json` (made by `scripts/make-fixtures.py`, by hand, not from notegate's output).
@Suite struct FixtureTests {
    struct Expectation: Decodable, Sendable {
        let action: String
        let ticketId: Int?
        let reason: String?
        let text: String?
        let note: String?
        let hasText: Bool

        enum CodingKeys: String, CodingKey { case action, ticketId, reason, text, note }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            action = try container.decode(String.self, forKey: .action)
            ticketId = try container.decodeIfPresent(Int.self, forKey: .ticketId)
            reason = try container.decodeIfPresent(String.self, forKey: .reason)
            hasText = container.contains(.text)
            text = try container.decodeIfPresent(String.self, forKey: .text)
            note = try container.decodeIfPresent(String.self, forKey: .note)
        }
    }

    static let expectations: [String: Expectation] = {
        let data = try! Data(contentsOf: Paths.fixtures.appendingPathComponent("expectations.json"))
        return try! JSONDecoder().decode([String: Expectation].self, from: data)
    }()

    static let fixtureNames: [String] = {
        let names = try! FileManager.default.contentsOfDirectory(atPath: Paths.fixtures.path)
        return names.filter { $0.hasSuffix(".eml") }.sorted()
    }()

    @Test func everyFixtureHasAnExpectationAndEveryExpectationAFixture() {
        #expect(Set(Self.fixtureNames) == Set(Self.expectations.keys))
        #expect(Self.fixtureNames.count >= 70)
    }

    @Test(arguments: fixtureNames)
    func fixtureDecision(_ name: String) throws {
        let expected = try #require(Self.expectations[name])
        let raw = try Array(Data(contentsOf: Paths.fixtures.appendingPathComponent(name)))
        let decision = NoteExtractor().decide(rawMessage: raw)

        switch decision.action {
        case .post(let ticketID, let note):
            #expect(expected.action == "post", "\(name): posted to #\(ticketID), expected \(expected.action) \(expected.reason ?? "")")
            #expect(ticketID == expected.ticketId)
            // Every posted fixture says exactly what the agent reads.
            let expectedNote = try #require(expected.note, "\(name): posted, but expectations.json has no note for it")
            #expect(note == expectedNote)
            #expect(note.utf8.count <= NoteExtractor.Configuration().maximumNoteBytes)
        case .skip(let reason, let detail):
            #expect(expected.action == "skip", "\(name): skipped as \(reason.rawValue) (\(detail ?? "")), expected post")
            #expect(reason.rawValue == expected.reason)
        }
        #expect(decision.ticketID == expected.ticketId)
        if expected.hasText { #expect(decision.text == expected.text) }
    }
}

enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("fixtures")
    /// Real mail from public test suites, beside the repository (`../shared/corpus`); `NOTEGATE_CORPUS_DIR`
    /// points elsewhere (a missing folder shows what a fresh clone does).
    static let corpus = ProcessInfo.processInfo.environment["NOTEGATE_CORPUS_DIR"].map { URL(fileURLWithPath: $0) }
        ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    static var corpusIsPresent: Bool { FileManager.default.fileExists(atPath: corpus.path) }
    /// The one line a skipped corpus suite prints.
    static var corpusAbsent: Comment {
        Comment(rawValue: "no corpus at \(corpus.path) (a clone without ../shared): skipped; fixtures/ covers these cases")
    }
}
