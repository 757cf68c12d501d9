import Logging
@testable import Observability
import Testing

@Suite struct TerminalTextTests {
    /// The From name of a crafted message: clear the screen, set the window title, ring the bell.
    static let hostileName = "\u{1B}[2J \u{1B}]0;owned\u{07}"

    @Test func controlCharactersBecomeVisiblePictures() {
        #expect(TerminalText.sanitized(Self.hostileName) == "␛[2J ␛]0;owned␇")
        #expect(TerminalText.sanitized("a\u{0}b\rc\u{7F}d") == "a␀b␍c␡d")
    }

    @Test func c1ControlsBecomeTheReplacementCharacter() {
        #expect(TerminalText.sanitized("\u{9B}2J and \u{9D}0;owned\u{9C} and \u{80}") == "�2J and �0;owned� and �")
    }

    @Test func newlineAndTabAreKeptUnlessTextMustStayOnOneLine() {
        #expect(TerminalText.sanitized("line one\n\tline two") == "line one\n\tline two")
        #expect(TerminalText.sanitized("line one\n\tline two", keepingNewlines: false) == "line one␊\tline two")
    }

    @Test func ordinaryTextIsUnchanged() {
        let text = "Grüße aus Köln — «quoted» 日本語 👩‍💻 \u{A0}nbsp ✓ [#143]"
        #expect(TerminalText.sanitized(text) == text)
    }

    @Test func everyControlCharacterIsReplaced() {
        let controls = (0x00...0x1F).map { Character(Unicode.Scalar($0)!) }
            + (0x7F...0x9F).map { Character(Unicode.Scalar($0)!) }
        let sanitized = TerminalText.sanitized(String(controls), keepingNewlines: false)
        #expect(sanitized.unicodeScalars.allSatisfy { $0 == "\t" || !($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) })
        #expect(sanitized.unicodeScalars.count == controls.count)
    }

    @Test func textLogLinesCarryNoControlCharacters() throws {
        let lines = WrittenLines()
        let logger = Logger(label: "notegate.intake") { label in
            LineLogHandler(label: label, format: .text, metadataProvider: nil, write: { lines.append($0) })
        }
        logger.warning("skipped a message from \(Self.hostileName)\nforged line", metadata: [
            "from": "\(Self.hostileName)", "subject": "two\nlines",
        ])
        let written = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(written.hasSuffix("\n"))
        let line = written.dropLast()
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" })
        #expect(line.contains(" warning notegate.intake : from=␛[2J ␛]0;owned␇ subject=two␊lines [ObservabilityTests] "))
        #expect(line.hasSuffix("skipped a message from ␛[2J ␛]0;owned␇␊forged line"))
    }
}
