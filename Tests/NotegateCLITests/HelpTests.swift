import Testing

extension NotegateCLITests {
    /// Help is an answer, not an error: `--help` and a command group run alone print the usage and exit 0.
    @Suite struct HelpTests {
        @Test(arguments: [["--help"], ["ledger", "--help"], ["ledger"], ["ledger", "migrate", "--help"]])
        func helpIsPrintedWithExitStatusZero(_ arguments: [String]) async throws {
            let result = try await NotegateBinary.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            let output = result.stdout + result.stderr
            #expect(output.contains("USAGE:"), "\(arguments): \(output)")
            #expect(!output.contains("CommandError"), "\(arguments): \(output)")
        }
    }
}
