import Testing

@Suite("Quote trimming: Outlook separators and header blocks")
struct QuoteTrimmingOutlookTests {
    @Test(arguments: [
        """
        -----Original Message-----
        From: Support [mailto:support@example.com]
        Sent: Monday, March 2, 2026 10:00 AM
        To: Bob
        Subject: RE: [#143] Printer
        """,
        """
        -----Ursprüngliche Nachricht-----
        Von: Support [mailto:support@example.com]
        Gesendet: Montag, 2. März 2026 10:00
        An: Bob
        Betreff: AW: [#143] Drucker
        """,
        """
        -----Message d'origine-----
        De : Support [mailto:support@example.com]
        Envoyé : lundi 2 mars 2026 10:00
        À : Bob
        Objet : RE : [#143] Imprimante
        """,
        """
        -----Mensaje original-----
        De: Support [mailto:support@example.com]
        Enviado el: lunes, 2 de marzo de 2026 10:00
        Para: Bob
        Asunto: RE: [#143] Impresora
        """,
        """
        ----- Original Message -----
        From: support@example.com
        To: bob@example.com
        Sent: Monday, March 2, 2026 10:00 AM
        Subject: [#143] Printer
        """,
        "-----Original Message-----",
    ])
    func originalMessageLineCutsEverythingAfterIt(separatorAndHeader: String) {
        #expect(trimmed("Done.\n\n\(separatorAndHeader)\n\nPlease restart.\n\n-- \nSupport") == "Done.")
    }

    @Test(arguments: [
        "From: Support <support@example.com>\nSent: Monday, March 2, 2026 10:00 AM\nTo: Bob\nSubject: RE: Printer",
        "Von: Support <support@example.com>\nGesendet: Montag, 2. März 2026 10:00\nAn: Bob\nBetreff: AW: Drucker",
        "De : Support <support@example.com>\nEnvoyé : lundi 2 mars 2026 10:00\nÀ : Bob\nObjet : RE : Imprimante",
        "De: Support <support@example.com>\nEnviado: lunes, 2 de marzo de 2026 10:00\nPara: Bob\nAsunto: RE: Impresora",
        "From: Support <support@example.com>\nSent: Monday, March 2, 2026 10:00 AM\nSubject: Printer",
    ])
    func headerBlockCutsEverythingFromItWithOrWithoutRule(header: String) {
        let withRule = "Done.\n\n________________________________\n\(header)\n\nPlease restart."
        let alone = "Done.\n\n\(header)\n\nPlease restart."
        #expect(trimmed(withRule) == "Done.")
        #expect(trimmed(alone) == "Done.")
    }

    @Test func headerBlockWithoutSenderIsText() {
        let text = "Ship it here:\n\nTo: Warehouse 3\nSubject: urgent\nDate: tomorrow\n\nThanks"
        #expect(trimmed(text) == text)
    }

    @Test func ruleWithoutHeaderBlockIsText() {
        let text = "Name: ____________\n\n__________________\nsignature here"
        #expect(trimmed(text) == text)
    }
}
