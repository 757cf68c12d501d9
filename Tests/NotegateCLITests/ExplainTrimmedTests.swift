import Foundation
import Testing

/// `notegate explain --trimmed`: an operator asking why a line of the mail is not in the note.
@Suite struct ExplainTrimmedTests {
    @Test func cutHistoryIsShownBelowTheNoteUnderItsRule() async throws {
        let reply = ExplainCommandTests.fixtures.appendingPathComponent("reply-outlook-header-block.eml").path
        let result = try await NotegateBinary.run(["explain", "--trimmed", reply])
        #expect(result.status == 0)
        let output = result.stdout
        let note = try #require(output.range(of: "| Thanks, the restart fixed it. Closing on our side."))
        let report = try #require(output.range(of: "Trimmed (1 cut):\n   ✂ header-block:\n   - ________________________________\n   - From: Support Desk <support@support.example>"))
        #expect(note.upperBound <= report.lowerBound)
        #expect(output.contains("   - Could you restart the service?"))
    }

    @Test func htmlHistoryIsNamedByTheMarkupThatQuotedIt() async throws {
        let reply = ExplainCommandTests.fixtures.appendingPathComponent("reply-gmail-html-blockquote.eml").path
        let result = try await NotegateBinary.run(["explain", "--trimmed", reply])
        #expect(result.status == 0)
        #expect(result.stdout.contains("✂ html:"))
    }

    @Test func bodyWithNothingCutSaysSo() async throws {
        let plain = ExplainCommandTests.fixtures.appendingPathComponent("ticket-simple.eml").path
        let result = try await NotegateBinary.run(["explain", "--trimmed", plain])
        #expect(result.stdout.contains("Trimmed:    nothing"))
    }
}
