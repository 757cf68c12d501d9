import NoteExtraction
import Testing

/// The trimmed text, as the note would carry it.
func trimmed(_ text: String) -> String {
    QuoteTrimmer().trim(text)
}

@Suite("Quote trimming: attributions, quoted blocks, signatures")
struct QuoteTrimmingTests {
    @Test func textWithNothingRecognisedIsUnchanged() {
        for text in [
            "", "\nHello,\n\nthe printer on floor 3 is broken again.\n  \n",
            "Please ship to:\nTo: Warehouse 3\nSubject: urgent\n",
            "On Monday Bob wrote the fix:\nrestart the spooler.",
            "Thanks.\n\n---\nnot a signature",
        ] {
            #expect(trimmed(text) == text)
        }
    }

    @Test func attributionAndTheQuotedBlockAfterItAreCut() {
        let text = """
            Thanks, works now.

            On Mon, Mar 2, 2026 at 10:00 AM, Support <support@example.com> wrote:
            > Please restart the spooler.
            >
            > Support

            """
        #expect(trimmed(text) == "Thanks, works now.")
    }

    @Test func attributionWrappedOverTwoLinesIsCut() {
        let insideTheAddress = """
            Thanks.

            On Mon, Mar 2, 2026 at 10:00 AM, Support Team of ACME Printing Services <
            support@example.com> wrote:

            > Please restart.
            """
        let beforeTheAddress = """
            Thanks.

            Am 02.03.2026 um 10:00 schrieb Support Team der ACME Druckdienste GmbH
            <support@example.com>:
            > Bitte neu starten.
            """
        #expect(trimmed(insideTheAddress) == "Thanks.")
        #expect(trimmed(beforeTheAddress) == "Thanks.")
    }

    @Test(arguments: [
        "On 2 Mar 2026, at 10:00, Support <support@example.com> wrote:",
        "Am 02.03.2026 um 10:00 schrieb Support <support@example.com>:",
        "Le lun. 2 mars 2026 à 10:00, Support <support@example.com> a écrit :",
        "El lun, 2 mar 2026 a las 10:00, Support (<support@example.com>) escribió:",
        "Op ma 2 mrt. 2026 om 10:00 schreef Support <support@example.com>:",
        "Op 2 mrt. 2026 om 10:00 heeft Support <support@example.com> het volgende geschreven:",
        "Em seg., 2 de mar. de 2026 às 10:00, Support <support@example.com> escreveu:",
        "Il giorno lun 2 mar 2026 alle ore 10:00 Support <support@example.com> ha scritto:",
        "2 марта 2026 г., 10:00 пользователь Support <support@example.com> написал:",
    ])
    func attributionsInEveryLanguageAreCut(attribution: String) {
        #expect(trimmed("Erledigt.\n\n\(attribution)\n\n> Alter Text\n> mehr\n") == "Erledigt.")
    }

    @Test func attributionFollowedByUnquotedHistoryIsCutWithIt() {
        let text = """
            Fine by me.

            --- On Wed, 4/4/12, Support <support@example.com> wrote:

            From: Support <support@example.com>
            Subject: Your booking
            Old text
            """
        #expect(trimmed(text) == "Fine by me.")
    }

    @Test func trailingQuotedBlockIsCutWithoutAttribution() {
        #expect(trimmed("Yes.\n\n> Can you restart it?\n> Thanks\n>\n\n") == "Yes.")
    }

    @Test func bottomPostedReplyKeepsOnlyTheAnswer() {
        let text = """
            On Mon, Mar 2, 2026 at 10:00 AM, Support <support@example.com> wrote:
            > Which model is it?
            > Support

            A LaserJet 4.
            """
        #expect(trimmed(text) == "A LaserJet 4.")
    }

    @Test func inlineReplyKeepsQuestionsAndAnswersButNotTheQuotedTail() {
        let text = """
            On Mon, Mar 2, 2026 at 10:00 AM, Support <support@example.com> wrote:
            > Which model is it?
            A LaserJet 4.

            > Which driver?
            The one from the CD.

            > Regards,
            > Support

            --\u{20}
            Bob
            """
        #expect(trimmed(text) == """
            On Mon, Mar 2, 2026 at 10:00 AM, Support <support@example.com> wrote:
            > Which model is it?
            A LaserJet 4.

            > Which driver?
            The one from the CD.
            """)
    }

    @Test func signatureAfterDashDashSpaceOrDashDashIsCut() {
        #expect(trimmed("Thanks.\n\n-- \nBob Smith\nACME Corp") == "Thanks.")
        #expect(trimmed("Thanks.\n--\nBob Smith") == "Thanks.")
        #expect(trimmed("Thanks.\n\n-- \nBob\n\nOn Mon, Mar 2, 2026, Support wrote:\n> old") == "Thanks.")
    }

    @Test(arguments: [
        "Sent from my iPhone", "Sent from my Samsung Galaxy smartphone.", "Von meinem iPhone gesendet",
        "Get Outlook for iOS", "Get Outlook for Android<https://aka.ms/ghei36>", "Envoyé de mon iPhone",
        "Enviado desde mi iPhone", "Verzonden vanaf mijn iPhone", "Enviado do meu iPhone", "Inviato da iPhone",
    ])
    func mobileSignatureAtTheEndIsCut(signature: String) {
        #expect(trimmed("Will do.\n\n\(signature)\n") == "Will do.")
    }

    @Test func mobileSignatureWordsInsideTheTextAreKept() {
        let text = "Sent from my iPhone earlier, here is the rest:\nthe serial is 42."
        #expect(trimmed(text) == text)
    }

    @Test func blankLinesAroundTheResultAreTrimmed() {
        #expect(trimmed("\n\n  \nHello\n\nthere\n\n> quote\n\n\n") == "Hello\n\nthere")
    }
}
