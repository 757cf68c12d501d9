import Foundation
import GatewayConfig
import Secrets
import Testing

/// `oauth_token_command` and every other secret command: bounded in time, quiet, and never quoted back.
@Suite struct SecretCommandTests {
    @Test("A command that hangs is killed, with its children, after its timeout, and the error says so")
    func hungCommandTimesOut() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("notegate-hung-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // The child's pid is the first thing the shell writes; the timeout leaves a loaded machine time to start
        // the shell, fork the child and write it before the group is killed.
        let command = SecretCommand("sleep 60 & echo $! > \(pidFile); wait", timeout: .seconds(2))
        let error = await #expect(throws: SecretError.self) { try await command.output() }
        #expect(error?.description.contains("did not finish within 2 s and was killed") == true)
        #expect(error?.description.contains("oauth_token_command_timeout_seconds") == true)
        let written = try? String(contentsOfFile: pidFile, encoding: .utf8)
        let child = try #require(written.flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) },
                                 "the command did not write its child's pid within the 2 s timeout")
        try await waitUntilGone(child)
    }

    @Test("The blocking form, for an IMAP connection's own thread, times out the same way")
    func blockingCommandTimesOut() {
        let error = #expect(throws: SecretError.self) {
            try SecretCommand("sleep 60", timeout: .milliseconds(300)).blockingOutput()
        }
        #expect(error?.description.contains("did not finish within 0.3 s and was killed") == true)
    }

    @Test("A command that closes its output but keeps running still times out")
    func commandThatClosesItsOutputTimesOut() async {
        let command = SecretCommand("exec >/dev/null 2>&1; sleep 60", timeout: .milliseconds(300))
        let error = await #expect(throws: SecretError.self) { try await command.output() }
        #expect(error?.description.contains("did not finish within 0.3 s") == true)
    }

    @Test("Cancelling the waiting task kills the command")
    func cancellationKillsTheCommand() async {
        let running = Task { try await SecretCommand("sleep 60", timeout: .seconds(120)).output() }
        try? await Task.sleep(for: .milliseconds(200))
        running.cancel()
        let result = await running.result
        guard case .failure(let error) = result else {
            Issue.record("a cancelled command returned \(result)")
            return
        }
        #expect("\(error)".contains("stopped"))
    }

    @Test("The error quotes the first line of standard error with secrets blotted out, never the command line")
    func errorQuotesFirstStderrLineRedacted() async {
        let command = SecretCommand("""
            fetch_token() {
              echo "token endpoint refused client $2: bad secret $4 (ya29.a0AfB_byC3dE4fG5hI6jK7lM8nO9)" >&2
              echo "second line that must not appear" >&2
              exit 4
            }
            fetch_token --client-id support-app --client-secret hunter2x
            """)
        let error = await #expect(throws: SecretError.self) { try await command.output() }
        let message = error?.description ?? ""
        #expect(message == "the secret command exited with status 4: token endpoint refused client support-app: "
            + "bad secret \(Secret.redacted) (\(Secret.redacted))", "\(message)")
        #expect(!message.contains("fetch_token"), "the command line is never quoted")
    }

    @Test("What the command printed on standard output is blotted out of its error")
    func outputIsRedactedFromError() async {
        let command = SecretCommand("echo half-written-token; echo 'cannot finish half-written-token' >&2; exit 1")
        let error = await #expect(throws: SecretError.self) { try await command.output() }
        #expect(error?.description == "the secret command exited with status 1: cannot finish \(Secret.redacted)")
    }

    @Test("A command that fails silently says so; one that succeeds keeps its standard error to itself")
    func stderrIsCapturedNotPassedThrough() async throws {
        let silent = await #expect(throws: SecretError.self) { try await SecretCommand("exit 2").output() }
        #expect(silent?.description == "the secret command exited with status 2 and wrote nothing to standard error")
        let token = try await SecretSource.command("echo 'refreshing…' >&2; echo ya29.token").resolve()
        #expect(token.reveal() == "ya29.token")
    }

    @Test("Too much output is not a token: the command is stopped")
    func endlessOutputIsStopped() async {
        let error = await #expect(throws: SecretError.self) { try await SecretCommand("yes").output() }
        #expect(error?.description.contains("printed more than 65536 bytes") == true)
    }

    @Test func timeoutIsConfigurablePerMailbox() throws {
        let config = try GatewayConfiguration.parse(yaml: """
        mailboxes:
          - name: support
            host: imap.example.com
            username: notes@example.com
            auth: xoauth2
            oauth_token_command: "oauth2-token --account support"
            oauth_token_command_timeout_seconds: 25
          - name: sales
            host: imap.example.com
            username: sales@example.com
            auth: xoauth2
            oauth_token_command: "oauth2-token --account sales"
        """)
        #expect(config.mailboxes.map(\.oauthTokenCommandTimeoutSeconds) == [25, 10])
    }

    /// Waits until process `pid` no longer exists (or is a zombie no one has reaped yet); fails after 10 s.
    private func waitUntilGone(_ pid: pid_t) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              stat.split(separator: ")").last?.split(separator: " ").first != "Z" {
            guard ContinuousClock.now < deadline else {
                Issue.record("process \(pid) of the timed-out command is still running")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
