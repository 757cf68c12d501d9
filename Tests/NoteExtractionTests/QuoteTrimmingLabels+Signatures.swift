/// Replies that end with a signature, set apart by the delimiters people and clients use.
extension LabeledReply {
    static let signatures = [
        LabeledReply(kind: "Signature after dash dash space", body: """
            The invoice number is 2291.

            --\u{20}
            Dana Reyes
            Procurement, Customer Ltd.
            """, keep: "The invoice number is 2291."),
        LabeledReply(kind: "Signature after dash dash without space", body: """
            The invoice number is 2292.
            --
            Dana Reyes
            +44 20 7946 0000
            """, keep: "The invoice number is 2292."),
        LabeledReply(kind: "Signature after an em dash", body: """
            🎉 It works!

            —
            John Doe
            CEO at Pandaland

            @pandaland
            """, keep: "🎉 It works!"),
        LabeledReply(kind: "Signature after underscores", body: """
            Please call me tomorrow.

            ___
            Marek Novak | Site Manager
            Customer Ltd. | +420 555 000 111
            """, keep: "Please call me tomorrow."),
        LabeledReply(kind: "Signature after a long underscore line", body: """
            We have 12 units left in stock.

            ______________________________
            Priya Shah
            Inventory Lead
            """, keep: "We have 12 units left in stock."),
        LabeledReply(kind: "Signature after equals signs", body: """
            The firmware update finished without errors.

            ==========
            Tomasz Wiśniewski
            IT Department
            """, keep: "The firmware update finished without errors."),
        LabeledReply(kind: "Signature after tildes", body: """
            Count me in for the training.

            ~~~~
            Aiko Tanaka
            """, keep: "Count me in for the training."),
        LabeledReply(kind: "Signature after hashes", body: """
            The report is in the shared folder.

            ####
            Lars Eriksen, Controller
            """, keep: "The report is in the shared folder."),
        LabeledReply(kind: "Signature after plus signs", body: """
            Order received.

            ++++
            Warehouse North
            Dock 4
            """, keep: "Order received."),
        LabeledReply(kind: "Signature after spaced asterisks", body: """
            Thanks for the update.

            * * *
            Carla Mendes
            Customer Ltd.
            www.customer.example
            """, keep: "Thanks for the update."),
        LabeledReply(kind: "Signature after dashes, with a disclaimer", body: """
            Please use the new address from now on.

            ---
            Sven Olsen
            Customer Ltd.
            This message is confidential. If you received it in error, please delete it.
            """, keep: "Please use the new address from now on."),
        LabeledReply(kind: "Signature after dash dash, then quoted history", body: """
            Sounds good.

            --\u{20}
            Dana

            On Tue, Mar 3, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:
            > Shall we proceed?
            """, keep: "Sounds good."),
        LabeledReply(kind: "Signature rule and name above an Outlook header block", body: """
            Go ahead with option B.

            _____
            Ravi Kumar

            From: Acme Projects <projects@acme.example>
            Sent: Tuesday, March 3, 2026 9:14 AM
            To: Ravi Kumar <ravi@customer.example>
            Subject: Options
            """, keep: "Go ahead with option B."),
        LabeledReply(kind: "Sign-off without delimiter is the sender's", body: """
            I still have the same problem.

            Can you help?

            Kind regards,
            Aisha
            """, keep: "I still have the same problem.\n\nCan you help?\n\nKind regards,\nAisha"),
        LabeledReply(kind: "Markdown rule between paragraphs is text", body: """
            Step 1 is done.

            ---

            now the remaining steps are on your side, I think.
            """, keep: "Step 1 is done.\n\n---\n\nnow the remaining steps are on your side, I think."),
        LabeledReply(kind: "Rule followed by a question is text", body: """
            Here is the summary.

            =====
            Did you also get the second file?
            """, keep: "Here is the summary.\n\n=====\nDid you also get the second file?"),
        LabeledReply(kind: "Signature after a run of em dashes", body: """
            Thanks for the update!

            Cheers 🎉
            Sarah

            —————
            Sarah Johnson
            Product Manager
            📧 sarah@customer.example
            """, keep: "Thanks for the update!\n\nCheers 🎉\nSarah"),
        LabeledReply(kind: "Markdown separators between paragraphs are text", body: """
            Here is my analysis:

            ## Results
            ----

            1. Latency is down by 40 %
            2. Fewer timeouts

            ====

            Both separators above are part of my message.
            """, keep: """
            Here is my analysis:

            ## Results
            ----

            1. Latency is down by 40 %
            2. Fewer timeouts

            ====

            Both separators above are part of my message.
            """),
        LabeledReply(kind: "Signature and a footer after it", body: """
            Thanks for your help!

            Best regards,
            John

            --
            John Doe
            Senior Developer

            Sent from my iPhone
            """, keep: "Thanks for your help!\n\nBest regards,\nJohn"),
    ]
}
