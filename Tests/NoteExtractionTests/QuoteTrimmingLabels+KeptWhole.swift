/// Replies with nothing to cut, or whose forwarded content must stay: the note keeps them whole.
extension LabeledReply {
    static let keptWhole = [
        LabeledReply(kind: "Plain message", body: """
            Hello,

            the scanner on floor 2 shows error E12 since this morning.

            Best,
            Noor
            """, keep: "Hello,\n\nthe scanner on floor 2 shows error E12 since this morning.\n\nBest,\nNoor"),
        LabeledReply(kind: "Sentence starting with On and ending with a colon", body: """
            On Monday at 10:00 the technician wrote down these steps:
            1. Unplug
            2. Wait 10 s
            """, keep: "On Monday at 10:00 the technician wrote down these steps:\n1. Unplug\n2. Wait 10 s"),
        LabeledReply(kind: "Link containing wrote", body: """
            See https://blog.example/who-wrote-what for details:
            it explains the licence.
            """, keep: "See https://blog.example/who-wrote-what for details:\nit explains the licence."),
        LabeledReply(kind: "Sentence starting with Sent from", body: """
            Sent from my office yesterday, the parcel should arrive today. Let me know when it does.
            """, keep: "Sent from my office yesterday, the parcel should arrive today. Let me know when it does."),
        LabeledReply(kind: "From line in the body", body: """
            From: the warehouse
            To: the shop
            Please move 20 boxes.
            """, keep: "From: the warehouse\nTo: the shop\nPlease move 20 boxes."),
        LabeledReply(kind: "Markdown table rows are not quotes", body: """
            Here are the numbers:

            | Month | Units |
            | March | 120 |
            """, keep: "Here are the numbers:\n\n| Month | Units |\n| March | 120 |"),
        LabeledReply(kind: "Gmail forward kept", body: """
            FYI, see below.

            ---------- Forwarded message ---------
            From: Acme Billing <billing@acme.example>
            Date: Tue, Mar 3, 2026 at 9:14 AM
            Subject: Invoice 2291
            To: Dana Reyes <dana@customer.example>

            Your invoice is attached.
            """, keep: """
            FYI, see below.

            ---------- Forwarded message ---------
            From: Acme Billing <billing@acme.example>
            Date: Tue, Mar 3, 2026 at 9:14 AM
            Subject: Invoice 2291
            To: Dana Reyes <dana@customer.example>

            Your invoice is attached.
            """),
        LabeledReply(kind: "Outlook forward kept by its FW subject", keptWhole: """
            Can you look into this?

            ________________________________
            From: Customer Ltd. <orders@customer.example>
            Sent: Tuesday, March 3, 2026 9:14 AM
            To: Dana Reyes <dana@customer.example>
            Subject: FW: Damaged delivery

            Two boxes were damaged.
            """),
        LabeledReply(kind: "German Outlook forward kept by its WG subject", keptWhole: """
            Bitte prüfen.

            Von: Kunde GmbH <bestellung@kunde.example>
            Gesendet: Dienstag, 3. März 2026 09:14
            An: Dana Reyes <dana@customer.example>
            Betreff: WG: Beschädigte Lieferung

            Zwei Kartons waren beschädigt.
            """),
        LabeledReply(kind: "Apple forward kept, footer above it cut", body: """
            Sent from my iPhone

            Begin forwarded message:

            > From: Acme Billing <billing@acme.example>
            > Date: 3 March 2026 at 09:14:00 CET
            > Subject: Invoice
            >
            > Amount due: 120 EUR
            """, keep: """
            Begin forwarded message:

            > From: Acme Billing <billing@acme.example>
            > Date: 3 March 2026 at 09:14:00 CET
            > Subject: Invoice
            >
            > Amount due: 120 EUR
            """),
        LabeledReply(kind: "Forward with the forwarder's signature cut", body: """
            Please handle.

            --\u{20}
            Dana

            ---------- Forwarded message ---------
            From: Customer <c@customer.example>
            Subject: Broken lid

            The lid broke on day one.
            """, keep: """
            Please handle.

            ---------- Forwarded message ---------
            From: Customer <c@customer.example>
            Subject: Broken lid

            The lid broke on day one.
            """),
        LabeledReply(kind: "Danish forward kept", keptWhole: """
            Til orientering.

            -------- Videresendt besked --------
            Fra: Kunde <kunde@customer.example>
            Emne: Reklamation

            Varen er defekt.
            """),
        LabeledReply(kind: "Only a quote keeps the body", body: """
            > Is the printer still offline?
            > Regards, Support
            """, keep: "> Is the printer still offline?\n> Regards, Support"),
        LabeledReply(kind: "Short reply with numbers and colon lines", body: """
            Times for tomorrow:
            09:00 arrival
            10:30 handover
            """, keep: "Times for tomorrow:\n09:00 arrival\n10:30 handover"),
        LabeledReply(kind: "Email address mentioned in a sentence with a colon", body: """
            Please write to billing@customer.example from 2 March on:
            they handle refunds now.
            """, keep: "Please write to billing@customer.example from 2 March on:\nthey handle refunds now."),
    ]
}
