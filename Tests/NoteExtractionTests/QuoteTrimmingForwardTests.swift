import Testing

@Suite("Quote trimming: forwarded content is kept")
struct QuoteTrimmingForwardTests {
    private let gmailForward = """
        ---------- Forwarded message ---------
        From: Carol <carol@example.com>
        Date: Mon, Mar 2, 2026 at 10:00 AM
        Subject: Invoice 2291
        To: Bob <bob@example.com>

        The invoice is wrong.

        On Sun, Mar 1, 2026 at 9:00 AM, Dan <dan@example.com> wrote:
        > Sending the invoice.
        """

    @Test func gmailForwardIsKeptWithItsHeaderAndQuotes() {
        let text = "Please see below.\n\n\(gmailForward)\n\n-- \nCarol\nACME Billing\n"
        #expect(trimmed(text) == "Please see below.\n\n\(gmailForward)")
    }

    @Test func forwardersSignatureAboveTheForwardIsCut() {
        let text = "FYI\n\n-- \nBob\nACME\n\n\(gmailForward)"
        #expect(trimmed(text) == "FYI\n\n\(gmailForward)")
    }

    @Test func forwardWithoutAnythingToCutIsUnchanged() {
        let text = "FYI\n\n\(gmailForward)"
        #expect(trimmed(text) == text)
    }

    @Test func appleForwardIsKeptAndTheMobileSignatureAboveItCut() {
        let forward = """
            Begin forwarded message:

            > From: Carol <carol@example.com>
            > Date: 2 March 2026 at 10:00:00 CET
            > Subject: Invoice
            >
            > Wrong amount.
            """
        #expect(trimmed("Sent from my iPhone\n\n\(forward)\n") == forward)
    }

    @Test func thunderbirdForwardStartsItsHeaderWithTheSubject() {
        let old = """
            -------- Original Message --------
            Subject: Invoice 2291
            Date: Mon, 2 Mar 2026 10:00:00 +0100
            From: Carol <carol@example.com>
            To: Bob <bob@example.com>

            The invoice is wrong.
            """
        let new = old.replacingFirstLine(with: "-------- Forwarded Message --------")
        #expect(trimmed("Forwarding this.\n\n-- \nBob\n\(old)") == "Forwarding this.\n\n\(old)")
        #expect(trimmed("Forwarding this.\n\n-- \nBob\n\(new)") == "Forwarding this.\n\n\(new)")
    }

    @Test(arguments: ["FW", "Fwd", "WG", "TR", "RV", "Doorst"])
    func outlookHeaderBlockWithForwardSubjectIsKept(prefix: String) {
        let forward = """
            ________________________________
            From: Carol <carol@example.com>
            Sent: Monday, March 2, 2026 10:00 AM
            To: Bob
            Subject: \(prefix): Invoice 2291

            The invoice is wrong.
            """
        #expect(trimmed("See below.\n\n-- \nBob\n\n\(forward)") == "See below.\n\n\(forward)")
    }

    @Test func germanOutlookForwardIsKept() {
        let forward = """
            -----Ursprüngliche Nachricht-----
            Von: Carol <carol@example.com>
            Gesendet: Montag, 2. März 2026 10:00
            An: Bob
            Betreff: WG: Rechnung 2291

            Die Rechnung ist falsch.
            """
        #expect(trimmed("Siehe unten.\nSent from my iPhone\n\n\(forward)") == "Siehe unten.\n\n\(forward)")
    }

    @Test func forwardInsideReplyHistoryIsCutWithTheHistory() {
        let text = """
            Thanks.

            From: Carol <carol@example.com>
            Sent: Monday, March 2, 2026 10:00 AM
            To: Bob
            Subject: RE: Invoice

            See the forward.

            \(gmailForward)
            """
        #expect(trimmed(text) == "Thanks.")
    }

    @Test func onlyTheFinalSignatureOfNestedForwardsIsCut() {
        let inner = "---------- Forwarded message ---------\nFrom: Dan <dan@example.com>\n\nOriginal."
        let text = "\(gmailForward)\n\n-- \nCarol\n\n\(inner)\n\n-- \nDan"
        #expect(trimmed(text) == "\(gmailForward)\n\n-- \nCarol\n\n\(inner)")
    }
}

private extension String {
    func replacingFirstLine(with line: String) -> String {
        line + drop { $0 != "\n" }
    }
}
