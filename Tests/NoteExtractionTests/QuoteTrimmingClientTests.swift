import Testing

/// A reply body as a mail client wrote it, and the words its sender wrote.
struct ClientReply: CustomTestStringConvertible, Sendable {
    let client: String
    let body: String
    let ownWords: String
    var testDescription: String { client }
}

@Suite("Quote trimming: real replies from mail clients")
struct QuoteTrimmingClientTests {
    /// The text/plain bodies of mailgun/talon's fixtures (../shared/corpus/talon), decoded to UTF-8 with LF
    /// line ends and format=flowed unwrapped, as the parser hands them over.
    static let plainTextReplies = [
        ClientReply(client: "android", body: """
            Hello
            02.04.2012 14:20 пользователь "bob@xxx.mailgun.org" <
            bob@xxx.mailgun.org> написал:

            > Hi
            >


            """, ownWords: "Hello"),
        ClientReply(client: "aol", body: """
            Hello



            -----Original Message-----
            From: bob <bob@example.com>
            To: xxx <xxx@gmail.com>; xxx <xxx@hotmail.com>; xxx <xxx@yahoo.com>; xxx <xxx@aol.com>; xxx <xxx@comcast.net>; xxx <xxx@nyc.rr.com>
            Sent: Mon, Apr 2, 2012 5:49 pm
            Subject: Test


            Hi

            \u{20}

            """, ownWords: "Hello"),
        ClientReply(client: "apple_mail", body: """
            Hello

            On Apr 3, 2012, at 4:19 PM, bob wrote:

            > Hi
            """, ownWords: "Hello"),
        ClientReply(client: "apple_mail_2", body: """
            Hello
            > On 22 Aug 2015, at 19:21, Adam Renberg <tgwizard@gmail.com> wrote:
            >
            > Hi there!

            """, ownWords: "Hello"),
        ClientReply(client: "comcast", body: """
            Hello\u{20}

            ----- Original Message -----
            From: bob@xxx.mailgun.org\u{20}
            To: xxx@gmail.com, xxx@hotmail.com, xxx@yahoo.com, xxx@aol.com, xxx@comcast.net, lsloan6@nyc.rr.com\u{20}
            Sent: Monday, April 2, 2012 5:44:22 PM\u{20}
            Subject: Test\u{20}

            Hi\u{20}

            """, ownWords: "Hello "),
        ClientReply(client: "gmail", body: """
            Hello

            On Mon, Apr 2, 2012 at 6:26 PM, Megan One <xxx@gmail.com> wrote:

            > Hi

            """, ownWords: "Hello"),
        ClientReply(client: "hotmail", body: """

            Hello

            > Subject: Test
            > From: bob@xxx.mailgun.org
            > To: xxx@gmail.com; xxx@hotmail.com; xxx@yahoo.com; xxx@aol.com; xxx@comcast.net; xxx@nyc.rr.com
            > Date: Mon, 2 Apr 2012 17:44:22 +0400
            >\u{20}
            > Hi
            \u{20}\t\t \t   \t\t \u{20}

            """, ownWords: "Hello"),
        ClientReply(client: "iphone", body: """
            Hello

            Sent from my iPhone

            On Apr 3, 2012, at 4:19 PM, bob <bob@example.com> wrote:

            > Hi

            """, ownWords: "Hello"),
        ClientReply(client: "outlook", body: """
            Hello

            From: xxx@xxx.mailgun.org [mailto:xxx@xxx.mailgun.org]
            Sent: March-09-12 4:22 PM
            To: Dan Le
            Subject: The manager has commented on your Loop

            Hi dan.le@example.com<mailto:dan.le@example.com>,

            The manager's comment:
            "Hello Allan! Did you ask for some MIME? "

            Unsubscribe<http://dev.xxx.com/user/unsubscribe/dan.le@example.com?verify=4a400554148256338956101abdf06406>

            """, ownWords: "Hello"),
        ClientReply(client: "reply-quotations-share-block", body: """
            Hi Katharine.\u{A0} Sounds great.\u{A0} Are there and dietry restrictions?\u{A0} Thanks so much.
            \u{A0}
            Joe XXX

            --- On Wed, 4/4/12, xxx@example.com <xxx@example.com> wrote:


            From: xxx@example.com <xxx@example.com>
            Subject: You've got a new booking inquiry!
            To: xxx@yahoo.com
            Date: Wednesday, April 4, 2012, 10:23 PM

            New Booking Inquiry


            """, ownWords: """
            Hi Katharine.\u{A0} Sounds great.\u{A0} Are there and dietry restrictions?\u{A0} Thanks so much.
            \u{A0}
            Joe XXX
            """),
        ClientReply(client: "sparrow", body: """
            Hello\u{20}

            --\u{20}
            xxx
            Sent with Sparrow (http://www.sparrowmailapp.com/?sig)


            On Tuesday, April 3, 2012 at 4:55 PM, xxx wrote:

            > Hello
            >\u{20}
            > On Apr 3, 2012, at 4:19 PM, bob wrote:
            >\u{20}
            > > Hi\u{20}


            """, ownWords: "Hello "),
        ClientReply(client: "thunderbird", body: """
            On 04/02/2012 06:26 PM, Megan One wrote:
            > Hi\u{20}
            Hello
            """, ownWords: "Hello"),
        ClientReply(client: "yahoo", body: """
            Hello


            ----- Original Message -----
            From: "bob@xxx.mailgun.org" <bob@xxx.mailgun.org>
            To: xxx@gmail.com; xxx@hotmail.com; xxx@yahoo.com; xxx@aol.com; xxx@comcast.net; xxx@nyc.rr.com
            Cc:\u{20}
            Sent: Monday, April 2, 2012 5:44 PM
            Subject: Test

            Hi
            """, ownWords: "Hello"),
    ]

    @Test(arguments: plainTextReplies)
    func plainTextReplyIsTrimmedToTheSendersWords(reply: ClientReply) {
        #expect(trimmed(reply.body) == reply.ownWords)
    }

    /// What HTMLText makes of the HTML replies in ../shared/corpus/talon-html (see HTMLTextTests).
    static let htmlReplies = [
        ClientReply(client: "gmail.html", body: """
            Hi. I am fine.

            Thanks,
            Alex

            On Thu, Jun 26, 2014 at 2:14 PM, Alexander L <a@example.com (abc@example.com)> wrote:

            > Hello! How are you?
            """, ownWords: "Hi. I am fine.\n\nThanks,\nAlex"),
        ClientReply(client: "thunderbird.html", body: """
            Hi. I am fine.

            Thanks,
            Alex
            On 26.06.2014 14:41, Alexander L wrote:

            > Hello! How are you?
            """, ownWords: "Hi. I am fine.\n\nThanks,\nAlex"),
        ClientReply(client: "hotmail.html", body: """
            Hi. I am fine.

            Thanks,
            Alex

            Date: Thu, 26 Jun 2014 13:53:45 +0400
            Subject: Test message
            From: abc@example.com
            To: alex.l@example.com

            Hello! How are you?
            """, ownWords: "Hi. I am fine.\n\nThanks,\nAlex"),
        ClientReply(client: "ms_outlook_2010.html", body: """
            Hi. I am fine.
            Thanks,
            Alex
            From: Foo [mailto:foo@bar.com] On Behalf Of baz@bar.com
            Sent: Monday, January 01, 2000 12:00 AM
            To: john@bar.com
            Cc: jane@bar.io
            Subject: Conversation

            Hello! How are you?
            """, ownWords: "Hi. I am fine.\nThanks,\nAlex"),
        ClientReply(client: "windows_mail.html", body: """
            Hi. I am fine.

            Thanks,
            Alex

            От: Alexander L (abc@example.com)
            Отправлено: ‎четверг‎, ‎26‎ ‎июня‎ ‎2014‎ г. ‎15‎:‎05
            Кому: Alex (alex-ninja@example.com)

            Hello! How are you?
            """, ownWords: "Hi. I am fine.\n\nThanks,\nAlex"),
        ClientReply(client: "yandex_ru.html", body: """
            Hi. I am fine.

            Thanks,
            Alex

            26.06.2014, 14:41, "Alexander L" <abc@example.com>:

            > Hello! How are you?
            """, ownWords: "Hi. I am fine.\n\nThanks,\nAlex"),
    ]

    @Test(arguments: htmlReplies)
    func htmlReplyRenderedAsTextIsTrimmedToTheSendersWords(reply: ClientReply) {
        #expect(trimmed(reply.body) == reply.ownWords)
    }
}
