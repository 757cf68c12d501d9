/// Replies whose history starts with a header block, as Outlook and webmail write it in each language.
extension LabeledReply {
    static let headerBlocks = [
        LabeledReply(kind: "Outlook Windows, English, underscore rule", body: """
            The meeting room is booked for Friday.

            ________________________________
            From: Acme Facilities <facilities@acme.example>
            Sent: Tuesday, March 3, 2026 9:14 AM
            To: Dana Reyes <dana@customer.example>
            Subject: Room booking

            Which room would you like?
            """, keep: "The meeting room is booked for Friday."),
        LabeledReply(kind: "Outlook Windows, English, bold field names", body: """
            Approved.

            *From:* Acme Facilities <facilities@acme.example>
            *Sent:* Tuesday, March 3, 2026 9:14 AM
            *To:* Dana Reyes <dana@customer.example>
            *Subject:* Purchase order 7712

            Please approve the order.
            """, keep: "Approved."),
        LabeledReply(kind: "Outlook converted to Markdown, double-starred names", body: """
            Kind regards,

            Lisa

            **From:** Reference Checks <checks@refs.example> **On Behalf Of** Reference Desk
            **Sent:** 28 July 2025 15:46
            **To:** HR Team <hr@nursery.example>
            **Subject:** Reference request

            **CAUTION: This email originated outside of the organisation.**

            Please provide a reference for the candidate.
            Terms and conditions | Unsubscribe | Privacy Policy
            """, keep: "Kind regards,\n\nLisa"),
        LabeledReply(kind: "Outlook Mac, English, no rule, Reply-To and Date", body: """
            We will take the later slot.

            From: Acme Scheduling <scheduling@acme.example>
            Reply-To: Acme Scheduling <noreply@acme.example>
            Date: Tuesday, 3 March 2026 at 09:14
            To: Dana Reyes <dana@customer.example>
            Subject: Two slots available

            We can offer 10:00 or 14:00.
            """, keep: "We will take the later slot."),
        LabeledReply(kind: "Outlook Windows, English, Original Message line", body: """
            Tracking number please?

            -----Original Message-----
            From: Acme Shop [mailto:orders@acme.example]
            Sent: Tuesday, March 3, 2026 9:14 AM
            To: Dana Reyes
            Subject: Your order has shipped
            """, keep: "Tracking number please?"),
        LabeledReply(kind: "Outlook, sender wrapped onto a second line", body: """
            I will call you at 3 pm.

            ________________________________
            From: Acme Customer Care Escalations Department
            <escalations@acme.example>
            Sent: Tuesday, March 3, 2026 9:14 AM
            To: Dana Reyes <dana@customer.example>
            Subject: Your complaint

            We are sorry to hear about the delay.
            """, keep: "I will call you at 3 pm."),
        LabeledReply(kind: "Outlook HTML converted, blank lines between fields", body: """
            Confirmed for Monday.

            From: Acme Scheduling <scheduling@acme.example>

            Sent: Tuesday, March 3, 2026 9:14 AM

            To: Dana Reyes <dana@customer.example>

            Subject: Appointment

            Does Monday suit you?
            """, keep: "Confirmed for Monday."),
        LabeledReply(kind: "Outlook, German", body: """
            Die Bestellung ist freigegeben.

            ________________________________
            Von: Acme Einkauf <einkauf@acme.example>
            Gesendet: Dienstag, 3. März 2026 09:14
            An: Dana Reyes <dana@customer.example>
            Betreff: Bestellung 7712

            Bitte geben Sie die Bestellung frei.
            """, keep: "Die Bestellung ist freigegeben."),
        LabeledReply(kind: "Outlook, German, Ursprüngliche Nachricht", body: """
            Anbei die unterschriebene Vollmacht.

            -----Ursprüngliche Nachricht-----
            Von: Acme Service [mailto:service@acme.example]
            Gesendet: Dienstag, 3. März 2026 09:14
            An: Dana Reyes
            Cc: Team Nord
            Betreff: Vollmacht
            """, keep: "Anbei die unterschriebene Vollmacht."),
        LabeledReply(kind: "Outlook Mac, German, no rule", body: """
            Der Termin passt.

            Von: Acme Service <service@acme.example>
            Datum: Dienstag, 3. März 2026 um 09:14
            An: Dana Reyes <dana@customer.example>
            Betreff: Terminvorschlag
            """, keep: "Der Termin passt."),
        LabeledReply(kind: "Outlook, French", body: """
            Je vous remercie pour votre retour.

            ________________________________
            De : Acme Service <service@acme.example>
            Envoyé : mardi 3 mars 2026 09:14
            À : Dana Reyes <dana@customer.example>
            Objet : Votre demande

            Votre demande a été traitée.
            """, keep: "Je vous remercie pour votre retour."),
        LabeledReply(kind: "Outlook, French, Message d'origine", body: """
            C'est noté.

            -----Message d'origine-----
            De : Acme Service [mailto:service@acme.example]
            Envoyé : mardi 3 mars 2026 09:14
            À : Dana Reyes
            Objet : RE: Votre demande
            """, keep: "C'est noté."),
        LabeledReply(kind: "Outlook, Spanish", body: """
            Adjunto la factura.

            ________________________________
            De: Acme Servicio <servicio@acme.example>
            Enviado: martes, 3 de marzo de 2026 9:14
            Para: Dana Reyes <dana@customer.example>
            Asunto: Factura pendiente
            """, keep: "Adjunto la factura."),
        LabeledReply(kind: "Outlook, Spanish, Enviado el", body: """
            Perfecto, gracias.

            De: Acme Servicio [mailto:servicio@acme.example]
            Enviado el: martes, 3 de marzo de 2026 9:14
            Para: Dana Reyes
            Asunto: RE: Cita
            """, keep: "Perfecto, gracias."),
        LabeledReply(kind: "Outlook, Portuguese", body: """
            Pode agendar para quinta.

            ________________________________
            De: Acme Atendimento <atendimento@acme.example>
            Enviado: terça-feira, 3 de março de 2026 09:14
            Para: Dana Reyes <dana@customer.example>
            Assunto: Agendamento
            """, keep: "Pode agendar para quinta."),
        LabeledReply(kind: "Outlook, Italian", body: """
            Va bene, grazie.

            ________________________________
            Da: Acme Assistenza <assistenza@acme.example>
            Inviato: martedì 3 marzo 2026 09:14
            A: Dana Reyes <dana@customer.example>
            Oggetto: Intervento tecnico
            """, keep: "Va bene, grazie."),
        LabeledReply(kind: "Outlook, Dutch", body: """
            Dat klopt, bedankt.

            ________________________________
            Van: Acme Klantenservice <klantenservice@acme.example>
            Verzonden: dinsdag 3 maart 2026 09:14
            Aan: Dana Reyes <dana@customer.example>
            Onderwerp: Uw bestelling
            """, keep: "Dat klopt, bedankt."),
        LabeledReply(kind: "Outlook, Russian", body: """
            Спасибо, получил.

            ________________________________
            От: Acme Поддержка <support@acme.example>
            Отправлено: 3 марта 2026 г. 9:14
            Кому: Dana Reyes <dana@customer.example>
            Тема: Ваш заказ
            """, keep: "Спасибо, получил."),
        LabeledReply(kind: "Outlook, Swedish", body: """
            Tack för snabbt svar.

            ________________________________
            Från: Acme Support <support@acme.example>
            Skickat: den 3 mars 2026 09:14
            Till: Dana Reyes <dana@customer.example>
            Ämne: Ärende 4471
            """, keep: "Tack för snabbt svar."),
        LabeledReply(kind: "Outlook, Danish", body: """
            Tak, det er modtaget.

            Fra: Acme Kundeservice <kundeservice@acme.example>
            Sendt: 3. marts 2026 09:14
            Til: Dana Reyes <dana@customer.example>
            Emne: Din ordre
            """, keep: "Tak, det er modtaget."),
        LabeledReply(kind: "Android mail, Danish, Oprindelig besked", body: """
            Jeg vender tilbage i morgen.

            -------- Oprindelig besked --------
            Fra: Acme Kundeservice <kundeservice@acme.example>
            Dato: 03.03.2026  09.14  (GMT+01:00)
            Til: dana@customer.example
            Emne: Din henvendelse
            """, keep: "Jeg vender tilbage i morgen."),
        LabeledReply(kind: "Outlook, Norwegian", body: """
            Det er i orden.

            ________________________________
            Fra: Acme Kundeservice <kundeservice@acme.example>
            Sendt: tirsdag 3. mars 2026 09:14
            Til: Dana Reyes <dana@customer.example>
            Emne: Reparasjon
            """, keep: "Det er i orden."),
        LabeledReply(kind: "Outlook, Finnish", body: """
            Kiitos vastauksesta.

            Lähettäjä: Acme Tuki <tuki@acme.example>
            Lähetetty: tiistai 3. maaliskuuta 2026 9.14
            Vastaanottaja: Dana Reyes <dana@customer.example>
            Aihe: Tilaus 5531
            """, keep: "Kiitos vastauksesta."),
        LabeledReply(kind: "Outlook, Polish", body: """
            Potwierdzam odbiór.

            ________________________________
            Od: Acme Pomoc <pomoc@acme.example>
            Wysłano: wtorek, 3 marca 2026 09:14
            Do: Dana Reyes <dana@customer.example>
            Temat: Zamówienie 5531
            """, keep: "Potwierdzam odbiór."),
        LabeledReply(kind: "Outlook, Czech", body: """
            Děkuji za informaci.

            Od: Acme Podpora <podpora@acme.example>
            Odesláno: úterý 3. března 2026 9:14
            Komu: Dana Reyes <dana@customer.example>
            Předmět: Objednávka
            """, keep: "Děkuji za informaci."),
        LabeledReply(kind: "Outlook, Turkish", body: """
            Teşekkürler, aldım.

            Kimden: Acme Destek <destek@acme.example>
            Gönderildi: 3 Mart 2026 Salı 09:14
            Kime: Dana Reyes <dana@customer.example>
            Konu: Siparişiniz
            """, keep: "Teşekkürler, aldım."),
        LabeledReply(kind: "Outlook, Japanese", body: """
            承知しました。

            差出人: Acme Support <support@acme.example>
            送信日時: 2026年3月3日 9:14
            宛先: Dana Reyes <dana@customer.example>
            件名: ご注文について
            """, keep: "承知しました。"),
        LabeledReply(kind: "Outlook, Chinese simplified, full-width colons", body: """
            好的，谢谢。

            发件人： Acme Support <support@acme.example>
            发送时间： 2026年3月3日 9:14
            收件人： Dana Reyes <dana@customer.example>
            主题： 您的订单
            """, keep: "好的，谢谢。"),
        LabeledReply(kind: "Outlook, Chinese traditional", body: """
            收到了。

            寄件者: Acme Support <support@acme.example>
            寄件日期: 2026年3月3日 上午 09:14
            收件者: Dana Reyes <dana@customer.example>
            主旨: 您的訂單
            """, keep: "收到了。"),
        LabeledReply(kind: "Outlook, Korean", body: """
            확인했습니다.

            보낸 사람: Acme Support <support@acme.example>
            보낸 날짜: 2026년 3월 3일 화요일 오전 9:14
            받는 사람: Dana Reyes <dana@customer.example>
            제목: 주문 안내
            """, keep: "확인했습니다."),
        LabeledReply(kind: "Outlook mobile, Get Outlook footer above the header block", body: """
            I am on my way.

            Get Outlook for iOS<https://aka.ms/o0ukef>
            ________________________________
            From: Acme Dispatch <dispatch@acme.example>
            Sent: Tuesday, March 3, 2026 9:14:12 AM
            To: Dana Reyes <dana@customer.example>
            Subject: Driver assigned

            A driver has been assigned to your pickup.
            You may reply to this email to send a text message.
            """, keep: "I am on my way."),
        LabeledReply(kind: "Outlook mobile, French footer above the header block", body: """
            Je serai là à 10 h.

            Télécharger Outlook pour Android<https://aka.ms/ghei36>
            ________________________________
            De : Acme Dispatch <dispatch@acme.example>
            Envoyé : mardi 3 mars 2026 09:14
            À : Dana Reyes <dana@customer.example>
            Objet : Chauffeur assigné
            """, keep: "Je serai là à 10 h."),
        LabeledReply(kind: "AOL, Original Message with To before Sent", body: """
            Please send a new label.

            -----Original Message-----
            From: Acme Returns <returns@acme.example>
            To: dana <dana@customer.example>
            Sent: Tue, Mar 3, 2026 9:14 am
            Subject: Return label
            """, keep: "Please send a new label."),
        LabeledReply(kind: "Lotus Notes style header block after dashes", body: """
            Agreed, go ahead.

            ----------------------------------------
            From: Acme Projects <projects@acme.example>
            Sent: 03/03/2026 09:14 AM
            To: Dana Reyes <dana@customer.example>
            Subject: Phase 2 start
            """, keep: "Agreed, go ahead."),
        LabeledReply(kind: "Header block with a notification mail after it", body: """
            Please stop sending these reminders, the invoice is paid.

            From: Billing Robot <billing@acme.example>
            Sent: Tuesday, March 3, 2026 9:14 AM
            To: Dana Reyes <dana@customer.example>
            Subject: Reminder: invoice 2291 is due

            Hi Dana,
            Your invoice is due in 3 days.
            Reply to this email or visit your account page.
            Unsubscribe | Privacy
            """, keep: "Please stop sending these reminders, the invoice is paid."),
    ]
}
