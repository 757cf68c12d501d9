/// Replies whose history starts with an attribution line, in the forms clients write in each language.
extension LabeledReply {
    static let attributions = [
        LabeledReply(kind: "Gmail, English", body: """
            The replacement toner arrived this morning, thanks.

            On Tue, Mar 3, 2026 at 9:14 AM Acme Support <support@acme.example> wrote:

            > Hi Dana,
            >
            > We shipped a new cartridge today.
            """, keep: "The replacement toner arrived this morning, thanks."),
        LabeledReply(kind: "Gmail, English, wrapped inside the address", body: """
            Still waiting on the refund.

            On Tue, Mar 3, 2026 at 9:14 AM Acme Customer Support Team Europe <
            support-europe@acme.example> wrote:

            > Your refund was approved.
            """, keep: "Still waiting on the refund."),
        LabeledReply(kind: "Gmail, English, wrapped before the address", body: """
            Yes, Thursday works for the visit.

            On Wed, Mar 4, 2026 at 4:02 PM Field Service Scheduling for Northern Region
            <scheduling@acme.example> wrote:
            > Can our technician come on Thursday?
            """, keep: "Yes, Thursday works for the visit."),
        LabeledReply(kind: "Outlook plain text, attribution wrapped over three lines with mailto", body: """
            I have attached the log file.

            On Jun 17, 2027, at 14:15, Valeria Ortiz - Acme Support <valeria@acme.example<
            mailto:valeria@acme.example>>
            wrote:
            Could you send us the log file from the controller?
            """, keep: "I have attached the log file."),
        LabeledReply(kind: "Apple Mail, English", body: """
            Works now, you can close the ticket.

            > On 3 Mar 2026, at 10:21, Acme Support <support@acme.example> wrote:
            >
            > Please try restarting the router.
            """, keep: "Works now, you can close the ticket."),
        LabeledReply(kind: "Apple Mail, English, unquoted attribution", body: """
            Perfect, thank you.

            On Mar 3, 2026, at 10:21 AM, Acme Support <support@acme.example> wrote:

            > Your order has shipped.
            > Tracking: 1Z999
            """, keep: "Perfect, thank you."),
        LabeledReply(kind: "Thunderbird, English", body: """
            The serial number is AC-4471-B.

            On 03/03/2026 10:21, Acme Support wrote:
            > Which serial number is on the back of the unit?
            """, keep: "The serial number is AC-4471-B."),
        LabeledReply(kind: "Yahoo, unquoted history after the attribution", body: """
            Please cancel my order.

            --- On Tue, 3/3/26, Acme Shop <orders@acme.example> wrote:

            From: Acme Shop <orders@acme.example>
            Subject: Order 5531 confirmed
            Thank you for your order.
            """, keep: "Please cancel my order."),
        LabeledReply(kind: "Zoho, attribution in dashes with unquoted history", body: """
            Can you resend the invoice as PDF?

            ---- On Wed, 04 Mar 2026 14:02:50 +0530 billing@acme.example wrote ----

            Please find your invoice attached.
            Regards, Billing
            """, keep: "Can you resend the invoice as PDF?"),
        LabeledReply(kind: "Zoho, attribution in dashes with quoted history", body: """
            Received, thank you.

            ---- On Wed, 04 Mar 2026 14:02:50 +0530 Acme Billing<billing@acme.example> wrote ----
            > Your invoice is attached.
            """, keep: "Received, thank you."),
        LabeledReply(kind: "Gmail, German", body: """
            Danke, das Problem ist behoben.

            Am Di., 3. März 2026 um 09:14 Uhr schrieb Acme Support <support@acme.example>:

            > Bitte starten Sie das Gerät neu.
            """, keep: "Danke, das Problem ist behoben."),
        LabeledReply(kind: "Gmail, German, name first", body: """
            Die Lieferung ist angekommen.

            Acme Versand <versand@acme.example> schrieb am Di., 3. März 2026, 09:14:

            > Ihre Lieferung ist unterwegs.
            """, keep: "Die Lieferung ist angekommen."),
        LabeledReply(kind: "Gmail, German, name first, wrapped in the date", body: """
            Ich brauche noch die Rechnung.

            Acme Versand <versand@acme.example> schrieb am So., 23.
            Juni 2024, 21:08:

            > Ihre Bestellung wurde versandt.
            """, keep: "Ich brauche noch die Rechnung."),
        LabeledReply(kind: "German, address and verb only", body: """
            Passt so, vielen Dank!

            Acme Support <support@acme.example> schrieb:
            > Wir haben die Einstellung geändert.
            """, keep: "Passt so, vielen Dank!"),
        LabeledReply(kind: "Apple Mail, German", body: """
            Das Passwort funktioniert wieder.

            > Am 03.03.2026 um 10:21 schrieb Acme Support <support@acme.example>:
            >
            > Wir haben Ihr Passwort zurückgesetzt.
            """, keep: "Das Passwort funktioniert wieder."),
        LabeledReply(kind: "Gmail, French", body: """
            Merci, tout fonctionne.

            Le mar. 3 mars 2026 à 09:14, Acme Support <support@acme.example> a écrit :

            > Pouvez-vous redémarrer l'appareil ?
            """, keep: "Merci, tout fonctionne."),
        LabeledReply(kind: "Gmail, French, wrapped", body: """
            Je confirme le rendez-vous.

            Le mar. 3 mars 2026 à 09:14, Service Après-Vente Acme France <
            sav@acme.example> a écrit :

            > Le technicien passera jeudi.
            """, keep: "Je confirme le rendez-vous."),
        LabeledReply(kind: "Thunderbird, French", body: """
            Voici la capture d'écran demandée.

            Le 03/03/2026 à 10:21, Acme Support a écrit :
            > Pouvez-vous nous envoyer une capture d'écran ?
            """, keep: "Voici la capture d'écran demandée."),
        LabeledReply(kind: "Gmail, Spanish", body: """
            Gracias, ya llegó el paquete.

            El mar, 3 mar 2026 a las 9:14, Acme Soporte (<soporte@acme.example>) escribió:

            > Su paquete está en camino.
            """, keep: "Gracias, ya llegó el paquete."),
        LabeledReply(kind: "Apple Mail, Spanish", body: """
            No puedo entrar a mi cuenta todavía.

            > El 3 mar 2026, a las 10:21, Acme Soporte <soporte@acme.example> escribió:
            >
            > Restablecimos su contraseña.
            """, keep: "No puedo entrar a mi cuenta todavía."),
        LabeledReply(kind: "Gmail, Portuguese", body: """
            Obrigado, o problema foi resolvido.

            Em ter., 3 de mar. de 2026 às 09:14, Acme Suporte <suporte@acme.example> escreveu:

            > Por favor, reinicie o aparelho.
            """, keep: "Obrigado, o problema foi resolvido."),
        LabeledReply(kind: "Apple Mail, Portuguese", body: """
            Segue em anexo o comprovante.

            > Em 3 de mar. de 2026, à(s) 10:21, Acme Suporte <suporte@acme.example> escreveu:
            >
            > Precisamos do comprovante de pagamento.
            """, keep: "Segue em anexo o comprovante."),
        LabeledReply(kind: "Gmail, Italian", body: """
            Grazie, ora funziona.

            Il giorno mar 3 mar 2026 alle ore 09:14 Acme Assistenza <assistenza@acme.example> ha scritto:

            > Provi a riavviare il dispositivo.
            """, keep: "Grazie, ora funziona."),
        LabeledReply(kind: "Apple Mail, Italian", body: """
            Confermo l'indirizzo di consegna.

            > Il giorno 3 mar 2026, alle ore 10:21, Acme Assistenza <assistenza@acme.example> ha scritto:
            >
            > Può confermare l'indirizzo?
            """, keep: "Confermo l'indirizzo di consegna."),
        LabeledReply(kind: "Gmail, Dutch", body: """
            Bedankt, het werkt weer.

            Op di 3 mrt 2026 om 09:14 schreef Acme Support <support@acme.example>:

            > Wilt u het apparaat opnieuw opstarten?
            """, keep: "Bedankt, het werkt weer."),
        LabeledReply(kind: "Apple Mail, Dutch", body: """
            De bijlage staat hieronder.

            > Op 3 mrt. 2026 om 10:21 heeft Acme Support <support@acme.example> het volgende geschreven:
            >
            > Kunt u de factuur sturen?
            """, keep: "De bijlage staat hieronder."),
        LabeledReply(kind: "Gmail, Norwegian", body: """
            Takk, det fungerer nå.

            tir. 3. mar. 2026 kl. 09:14 skrev Acme Kundeservice <kundeservice@acme.example>:

            > Prøv å starte enheten på nytt.
            """, keep: "Takk, det fungerer nå."),
        LabeledReply(kind: "Apple Mail, Danish", body: """
            Tak for hjælpen, pakken er modtaget.

            Den 15. jun. 2026 kl. 20.42 skrev Acme Kundeservice <kundeservice@acme.example>:

            > Din pakke er afsendt.
            """, keep: "Tak for hjælpen, pakken er modtaget."),
        LabeledReply(kind: "Danish, wrapped", body: """
            Jeg har vedhæftet kvitteringen.

            Den 15. jun. 2026 kl. 20.42 skrev Acme Kundeservice Danmark A/S <
            kundeservice@acme.example>:

            > Send venligst kvitteringen.
            """, keep: "Jeg har vedhæftet kvitteringen."),
        LabeledReply(kind: "Apple Mail, Swedish", body: """
            Tack, nu fungerar det.

            > 3 mars 2026 kl. 10:21 skrev Acme Support <support@acme.example>:
            >
            > Prova att starta om enheten.
            """, keep: "Tack, nu fungerar det."),
        LabeledReply(kind: "Thunderbird, Swedish", body: """
            Fakturan är betald.

            Den 2026-03-03 kl. 10:21, skrev Acme Support:
            > Vi har inte fått betalningen.
            """, keep: "Fakturan är betald."),
        LabeledReply(kind: "Gmail, Finnish", body: """
            Kiitos, nyt toimii.

            ti 3. maalisk. 2026 klo 9.14 Acme Tuki <tuki@acme.example> kirjoitti:

            > Käynnistä laite uudelleen.
            """, keep: "Kiitos, nyt toimii."),
        LabeledReply(kind: "Gmail, Russian", body: """
            Спасибо, всё работает.

            вт, 3 мар. 2026 г. в 09:14, Acme Поддержка <support@acme.example>:

            > Перезагрузите устройство.
            """, keep: "Спасибо, всё работает."),
        LabeledReply(kind: "Mail.ru, Russian, verb with gender ending", body: """
            Счёт оплачен.

            Вторник, 3 марта 2026, 9:14 +03:00 от Acme Поддержка <support@acme.example>:
            > Пожалуйста, оплатите счёт.
            """, keep: "Счёт оплачен."),
        LabeledReply(kind: "Android, Russian, user wrote", body: """
            Да, адрес верный.

            3 марта 2026 г. 9:14 пользователь "Acme Поддержка" <support@acme.example> написал:

            > Подтвердите адрес доставки.
            """, keep: "Да, адрес верный."),
        LabeledReply(kind: "Russian, name wrote with gender ending", body: """
            Хорошо, жду курьера.

            Ирина Петрова <irina@acme.example> написал(а):
            > Курьер приедет завтра.
            """, keep: "Хорошо, жду курьера."),
        LabeledReply(kind: "Gmail, Polish", body: """
            Dziękuję, już działa.

            W dniu wt., 3.03.2026 o 09:14 Acme Pomoc <pomoc@acme.example> napisał(a):

            > Proszę ponownie uruchomić urządzenie.
            """, keep: "Dziękuję, już działa."),
        LabeledReply(kind: "Thunderbird, Polish", body: """
            Załączam fakturę.

            Dnia 3.03.2026 o 10:21 Acme Pomoc <pomoc@acme.example> pisze:
            > Prosimy o przesłanie faktury.
            """, keep: "Załączam fakturę."),
        LabeledReply(kind: "Gmail, Czech", body: """
            Děkuji, funguje to.

            út 3. 3. 2026 v 9:14 odesílatel Acme Podpora <podpora@acme.example> napsal:

            > Restartujte prosím zařízení.
            """, keep: "Děkuji, funguje to."),
        LabeledReply(kind: "Gmail, Japanese, date and name without verb", body: """
            ありがとうございます。解決しました。

            2026/3/3 Acme Support <support@acme.example>

            > 端末を再起動してください。
            """, keep: "ありがとうございます。解決しました。"),
        LabeledReply(kind: "Gmail, Japanese, message of", body: """
            了解しました。

            2026年3月3日(火) 9:14 Acme Support <support@acme.example>:

            > 明日お届けします。
            """, keep: "了解しました。"),
        LabeledReply(kind: "Apple Mail, Japanese", body: """
            添付をご確認ください。

            2026/03/03 10:21、Acme Support <support@acme.example>のメッセージ:
            > 請求書を送ってください。
            """, keep: "添付をご確認ください。"),
        LabeledReply(kind: "Gmail, Chinese simplified", body: """
            谢谢，问题已经解决了。

            Acme Support <support@acme.example> 于2026年3月3日周二 09:14写道：

            > 请重新启动设备。
            """, keep: "谢谢，问题已经解决了。"),
        LabeledReply(kind: "Apple Mail, Chinese simplified", body: """
            收到，谢谢。

            > 在 2026年3月3日，10:21，Acme Support <support@acme.example> 写道：
            >
            > 您的订单已发货。
            """, keep: "收到，谢谢。"),
        LabeledReply(kind: "Gmail, Chinese traditional", body: """
            已經收到包裹了。

            Acme Support <support@acme.example> 於 2026年3月3日 週二 上午9:14寫道：

            > 您的包裹已寄出。
            """, keep: "已經收到包裹了。"),
        LabeledReply(kind: "Gmail, Korean", body: """
            감사합니다. 해결되었습니다.

            2026년 3월 3일 (화) 오전 9:14, Acme Support <support@acme.example>님이 작성:

            > 기기를 다시 시작해 주세요.
            """, keep: "감사합니다. 해결되었습니다."),
        LabeledReply(kind: "Apple Mail, Korean", body: """
            네, 확인했습니다.

            > 2026. 3. 3. 오전 10:21, Acme Support <support@acme.example> 작성:
            >
            > 주문이 배송되었습니다.
            """, keep: "네, 확인했습니다."),
        LabeledReply(kind: "Gmail, date first with time zone", body: """
            The port is 8443.

            2016-03-03 17:21 GMT+01:00 Acme Support <support@acme.example>:

            > Which port does the gateway listen on?
            """, keep: "The port is 8443."),
        LabeledReply(kind: "Gmail, date first with time zone, wrapped", body: """
            Both units are affected.

            2016-03-03 17:21 GMT+01:00 Acme Customer Support Team <
            support@acme.example>:

            > Is only one unit affected?
            """, keep: "Both units are affected."),
        LabeledReply(kind: "Yandex, date first with address", body: """
            Да, всё верно.

            03.03.2026, 09:14, "Acme Support" <support@acme.example>:
            > Проверьте, пожалуйста, данные.
            """, keep: "Да, всё верно."),
        LabeledReply(kind: "Turkish", body: """
            Teşekkürler, sorun çözüldü.

            3 Mar 2026 Sal, 09:14 tarihinde Acme Destek <destek@acme.example> şunu yazdı:

            > Lütfen cihazı yeniden başlatın.
            """, keep: "Teşekkürler, sorun çözüldü."),
        LabeledReply(kind: "Attribution with the name on the date line, English", body: """
            Shipping address is below.

            Acme Sales on Tue, Mar 3, 2026 at 9:14 AM wrote:
            > Where should we ship the samples?
            """, keep: "Shipping address is below."),
        LabeledReply(kind: "GitHub notification quoted under attribution", body: """
            I can reproduce this on 2.4 as well.

            On Tue, Mar 3, 2026 at 9:14 AM Tracker <notifications@tracker.example> wrote:

            > The upload fails with a timeout.
            >
            > —
            > Reply to this email directly, view it on the tracker, or unsubscribe.
            > You are receiving this because you were mentioned.
            """, keep: "I can reproduce this on 2.4 as well."),
        LabeledReply(kind: "Attribution after a sign-off, unquoted notification history", body: """
            Please escalate this.

            Thanks,
            Omar

            On Tue, Mar 3, 2026 at 9:14 AM Helpdesk <helpdesk@acme.example> wrote:
            ##- Please type your reply above this line -##
            Your request (4471) has been updated.
            Reply to this email to add a comment.
            """, keep: "Please escalate this.\n\nThanks,\nOmar"),
        LabeledReply(kind: "Mail.ru, date first with unquoted history", body: """
            The contract is signed, scan attached.

            Wednesday, 4 March 2026, 3:32 PM +03:00 from Acme Legal <legal@acme.example>:

            Please sign the contract and send us a scan.
            Best regards, Legal
            """, keep: "The contract is signed, scan attached."),
        LabeledReply(kind: "Yandex, date first with unquoted history", body: """
            Оплатил.

            04.03.2026, 15.32, "Acme Бухгалтерия" <buh@acme.example>:

            Счёт во вложении.
            """, keep: "Оплатил."),
        LabeledReply(kind: "Name, address and verb each on a line of their own", body: """
            Thanks, here is the config:

            > retries: 3
            > timeout: 30

            Bea

            On Mar 3, 2026, at 9:14 AM, Acme Support Team
            <support@acme.example>
            wrote:

            > Could you send your configuration?
            >
            > ---
            > Reply to this email directly or view it in the portal.
            """, keep: "Thanks, here is the config:\n\n> retries: 3\n> timeout: 30\n\nBea"),
        LabeledReply(kind: "Gmail, Finnish, wrapped before the address, unquoted history", body: """
            Toimitus saapui tänään.

            pe 6. maalisk. 2026 klo 17.50 Acme Asiakaspalvelu
            <asiakaspalvelu@acme.example> kirjoitti:

            Tilauksenne on lähetetty.
            """, keep: "Toimitus saapui tänään."),
        LabeledReply(kind: "Gmail, Russian, unquoted history", body: """
            Получил, спасибо.

            ср, 4 мар. 2026 г. в 15:19, Acme Поддержка <support@acme.example>:

            Ваш заказ отправлен.
            """, keep: "Получил, спасибо."),
        LabeledReply(kind: "Gmail, Norwegian, wrapped", body: """
            Jeg kommer på mandag.

            tir. 3. mar. 2026 kl. 09:14 skrev Acme Kundeservice Norge AS <
            kundeservice@acme.example>:

            > Når passer det for deg?
            """, keep: "Jeg kommer på mandag."),
    ]
}
