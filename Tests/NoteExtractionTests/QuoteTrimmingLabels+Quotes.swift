/// Replies with quoted lines: history to cut, or questions the sender answers inline, which stay.
extension LabeledReply {
    static let quotes = [
        LabeledReply(kind: "Trailing quoted history without attribution", body: """
            Yes, that is the right address.

            > Please confirm the delivery address:
            > 12 Harbour Road
            """, keep: "Yes, that is the right address."),
        LabeledReply(kind: "Trailing history quoted with bars", body: """
            I agree with the plan.

            | Here is the plan for next week.
            | Monday: survey
            """, keep: "I agree with the plan."),
        LabeledReply(kind: "Bar-quoted history under an attribution", body: """
            OK for me.

            On Tue, Mar 3, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:
            | Is Tuesday OK?
            """, keep: "OK for me."),
        LabeledReply(kind: "Quote first, then the answer", body: """
            > Which model is it?

            It's the LX-200, bought in 2024.
            """, keep: "> Which model is it?\n\nIt's the LX-200, bought in 2024."),
        LabeledReply(kind: "Quote first with bars, then the answer", body: """
            | Do you still need the loaner?
            No, you can collect it on Friday.
            """, keep: "| Do you still need the loaner?\nNo, you can collect it on Friday."),
        LabeledReply(kind: "Inline answers between quotes", body: """
            > What is the error code?
            E42

            > When did it start?
            Yesterday after the update.

            > Regards,
            > Acme Support
            """, keep: "> What is the error code?\nE42\n\n> When did it start?\nYesterday after the update."),
        LabeledReply(kind: "Inline answers under an attribution", body: """
            On Tue, Mar 3, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:
            > Is the unit under warranty?
            Yes, until 2027.
            > Do you have the receipt?
            Attached.
            """, keep: """
            On Tue, Mar 3, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:
            > Is the unit under warranty?
            Yes, until 2027.
            > Do you have the receipt?
            Attached.
            """),
        LabeledReply(kind: "Bottom-posted reply under an attribution", body: """
            On Tue, Mar 3, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:
            > Which colour would you like?
            > We have red and blue.

            Blue, please.
            """, keep: "Blue, please."),
        LabeledReply(kind: "Bottom-posted reply with greeting above the quote", body: """
            Hi,

            Am 03.03.2026 um 10:21 schrieb Acme Support <support@acme.example>:
            > Welche Größe benötigen Sie?

            Größe M, bitte.
            """, keep: "Hi,\n\nGröße M, bitte."),
        LabeledReply(kind: "Nested quotes at the end", body: """
            Fine by me.

            > > Should we move the deadline?
            > Only by a week.
            """, keep: "Fine by me."),
        LabeledReply(kind: "Sender's line between two quote blocks stays", body: """
            > The first shipment was late.
            It arrived on Friday.
            > The second one too.
            It has not arrived yet.
            """, keep: "> The first shipment was late.\nIt arrived on Friday.\n> The second one too.\nIt has not arrived yet."),
        LabeledReply(kind: "Quoted history with embedded notification", body: """
            Bumping this, still broken.

            On Tue, Mar 3, 2026 at 9:14 AM Forum <noreply@forum.example> wrote:
            > New reply in "Printer offline":
            > Have you tried a different cable?
            > ---
            > Reply to this email or visit the thread to respond.
            > You are receiving this because you are subscribed.
            """, keep: "Bumping this, still broken."),
        LabeledReply(kind: "Indented quote markers", body: """
            Done, the account is unlocked.

              > Please unlock my account.
              > Thanks
            """, keep: "Done, the account is unlocked."),
        LabeledReply(kind: "Bottom-posted list reply with the list's footer", body: """
            Hi,
            On Tue, 2026-03-03 at 09:14 +0100, Dana Reyes wrote:
            > How do I clear all keys of a bucket after a test?

            List the keys and delete each one; there is no single call for it.

            > --
            > Dana
            > _______________________________________________
            > storage-users mailing list
            > storage-users@lists.example

            __
            storage-users mailing list
            storage-users@lists.example
            https://lists.example/listinfo/storage-users
            """, keep: "Hi,\n\nList the keys and delete each one; there is no single call for it."),
    ]
}
