import Foundation
import Testing
import NoteExtraction

/// Real messages from public mail-parsing test suites: none may crash or hang, each yields a decision.
@Suite struct CorpusTests {
    static let files: [String] = {
        guard let walker = FileManager.default.enumerator(atPath: Paths.corpus.path) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { !$0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .filter { path in
                var isDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: Paths.corpus.appendingPathComponent(path).path,
                                                            isDirectory: &isDirectory)
                return exists && !isDirectory.boolValue
            }
            .sorted()
    }()

    @Test func corpusIsPresent() {
        #expect(Self.files.count >= 90, "expected the shared corpus at \(Paths.corpus.path)")
    }

    @Test(arguments: files)
    func everyCorpusMessageYieldsADecision(_ path: String) throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent(path)))
        let decision = NoteExtractor().decide(rawMessage: raw)
        if case .skip(.malformed, let detail) = decision.action {
            #expect(detail?.isEmpty == false, "a malformed message must say what is wrong")
        }
        if case .post(_, let note) = decision.action {
            #expect(!note.isEmpty)
            #expect(note.utf8.count <= 64 * 1024)
        }
    }

    @Test func outlookBinaryIsReportedAsMalformed() throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent("mail-parser/mail_outlook_1.msg")))
        let decision = NoteExtractor().decide(rawMessage: raw)
        #expect(decision.skipReason == .malformed)
    }

    @Test func realRepliesKeepTheirOwnFirstLine() throws {
        let raw = try Array(Data(contentsOf: Paths.corpus.appendingPathComponent("talon/gmail.eml")))
        let decision = NoteExtractor().decide(rawMessage: raw)
        #expect(decision.text?.hasPrefix("Hello") == true)
        #expect(decision.skipReason == .noTicket)
    }
}
