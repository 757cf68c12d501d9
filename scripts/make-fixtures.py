#!/usr/bin/env python3
"""Writes fixtures/*.eml and fixtures/expectations.json.

Each fixture is a hand-made message showing one rule of issue 3; its expectation is written here by
hand (the text a person would want in the note), never copied from notegate's output. Run it after
changing a fixture, then review `git diff fixtures/`.
"""
import base64, json, os, quopri, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures")
fixtures = {}
expectations = {}


def header(subject=None, frm="Dana Reyes <dana@vendor.example>", to="notes@support.example",
           date="Tue, 24 Nov 2026 09:15:00 +0100", mid=None, extra=(), raw_subject=False):
    lines = [f"From: {frm}", f"To: {to}", f"Date: {date}"]
    if subject is not None:
        lines.append(f"Subject: {subject}")
    if mid is not False:
        lines.append(f"Message-ID: <{mid or 'fixture'}@vendor.example>")
    lines.append("MIME-Version: 1.0")
    lines.extend(extra)
    return lines


MAX_NOTE_BYTES = 64 * 1024


def header_value(headers, field):
    prefix = field + ": "
    return next((line[len(prefix):] for line in headers if line.startswith(prefix)), None)


def note_for(headers, expect):
    """The note an agent reads for a posted message: From, Date and the decoded Subject as the sender wrote
    them, a blank line, the text, and, when there are attachments, a blank line and their list."""
    subject = expect.pop("subject", None) or header_value(headers, "Subject")
    lines = [f"{field}: {value}" for field, value in
             [("From", header_value(headers, "From")), ("Date", header_value(headers, "Date")), ("Subject", subject)]
             if value]
    parts = ["\n".join(lines), expect["text"]]
    attachments = expect.pop("attachments", None)
    if attachments:
        parts.append("Attachments: " + attachments)
    return "\n\n".join(part for part in parts if part)


def message(name, headers, body, expect, crlf=True):
    if expect["action"] == "post" and "note" not in expect:
        expect["note"] = note_for(headers, expect)
    expect.pop("subject", None)
    expect.pop("attachments", None)
    data = "\n".join(headers) + "\n\n" + body if isinstance(body, str) else None
    if data is None:
        raw = ("\n".join(headers) + "\n\n").encode() + body
    else:
        raw = data.encode("utf-8", "surrogateescape")
    if crlf:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    fixtures[name] = raw
    expectations[name] = expect


def post(ticket, text, note=None, subject=None, attachments=None):
    """`subject`: the decoded subject, when the header holds encoded words; `attachments`: the list the note
    ends with, like `logo.png (3 KB)`; `note`: the whole note, when it is not simply header, text, attachments."""
    e = {"action": "post", "ticketId": ticket, "reason": None, "text": text}
    if note is not None:
        e["note"] = note
    if subject is not None:
        e["subject"] = subject
    if attachments is not None:
        e["attachments"] = attachments
    return e


def skip(reason, ticket=None, text=None):
    return {"action": "skip", "ticketId": ticket, "reason": reason, "text": text}


def plain(subject, text, name_id, charset="utf-8", cte="8bit", extra=(), **kw):
    return header(subject, mid=name_id, extra=[f'Content-Type: text/plain; charset="{charset}"',
                                                  f"Content-Transfer-Encoding: {cte}", *extra], **kw)


PRINTER = "The printer on floor 3 shows error E-301 again.\nWe replaced the fuser last week."

# --- Ticket rules -------------------------------------------------------------------------------
message("ticket-simple.eml", plain("[#143] Printer on floor 3 is down", "", "simple"), PRINTER + "\n",
        post(143, PRINTER,
             note="From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\n"
                  "Subject: [#143] Printer on floor 3 is down\n\n" + PRINTER))
message("ticket-reply-forward-leading-zeros.eml", plain("Re: Fwd: Printer on floor 3 [#0143]", "", "zeros"),
        PRINTER + "\n", post(143, PRINTER))
message("ticket-localized-prefixes.eml", plain("AW: WG: SV: TR: RE: [#12] Lizenzverlängerung", "", "prefixes"),
        "Bitte die Lizenz verlängern.\n", post(12, "Bitte die Lizenz verlängern."))
subject_b64 = "=?UTF-8?B?" + base64.b64encode("Störung im Lager [#205]".encode()).decode() + "?="
message("ticket-encoded-subject-utf8.eml", plain(subject_b64, "", "enc-utf8"), "Scanner offline.\n",
        post(205, "Scanner offline.", subject="Störung im Lager [#205]"))
jp = "請求書について [#77]".encode("iso-2022-jp")
message("ticket-encoded-subject-iso2022jp.eml",
        plain("=?ISO-2022-JP?B?" + base64.b64encode(jp).decode() + "?=", "", "enc-jp"),
        "Invoice question.\n", post(77, "Invoice question.", subject="請求書について [#77]"))
message("ticket-encoded-words-split.eml",
        plain("=?UTF-8?Q?Re:_Ausf=C3=A4lle?= =?UTF-8?Q?_[#3?= =?UTF-8?Q?1]_heute?=", "", "enc-split"),
        # Whitespace between adjacent encoded words is not part of the subject (RFC 2047, 6.2).
        "Wieder ausgefallen.\n", post(31, "Wieder ausgefallen.", subject="Re: Ausfälle [#31] heute"))
message("ticket-not-tags.eml", plain("Printer [# 143] and #143 and [#143abc] and [143]", "", "not-tags"),
        PRINTER + "\n", skip("no-ticket", None, PRINTER))
message("ticket-number-too-large.eml", plain("Printer [#99999999999]", "", "too-large"), PRINTER + "\n",
        skip("no-ticket", None, PRINTER))
message("ticket-zero.eml", plain("Printer [#0]", "", "zero"), PRINTER + "\n", skip("no-ticket", None, PRINTER))
message("ticket-two-different.eml", plain("Merge [#143] into [#144]", "", "ambiguous"), PRINTER + "\n",
        skip("ambiguous-ticket", None, PRINTER))
message("ticket-same-twice.eml", plain("Re: [#143] Printer (was [#0143])", "", "twice"), PRINTER + "\n",
        post(143, PRINTER))
message("ticket-missing-subject.eml", plain(None, "", "no-subject"), PRINTER + "\n", skip("no-ticket", None, PRINTER))

# --- Parts: which text is the note ------------------------------------------------------------------
ALT_PLAIN = "Plain version: the VPN drops every 10 minutes."
message("multipart-alternative-prefers-plain.eml",
        header("[#301] VPN", mid="alt", extra=['Content-Type: multipart/alternative; boundary="alt"']),
        f"""--alt
Content-Type: text/plain; charset=utf-8

{ALT_PLAIN}
--alt
Content-Type: text/html; charset=utf-8

<p>HTML version: the VPN drops.</p>
--alt--
""", post(301, ALT_PLAIN))

message("html-only.eml",
        header("[#302] Portal login", mid="html-only", extra=['Content-Type: text/html; charset=utf-8']),
        """<html><head><title>ignored title</title><style>p { color: red; }</style>
<script>alert('x')</script></head>
<body><p>Hello team,</p><p>Users can&#39;t log in to the <b>portal</b> since 08:00 &amp; the error is &quot;403&quot;.</p>
<ul><li>Chrome</li><li>Firefox</li></ul>
<p>Status page: <a href="https://status.vendor.example/incidents/42">incident 42</a></p>
</body></html>
""", post(302, "Hello team,\n\nUsers can't log in to the portal since 08:00 & the error is \"403\".\n\n"
                   "- Chrome\n- Firefox\n\nStatus page: incident 42 (https://status.vendor.example/incidents/42)"))

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 84  # 21,513 bytes: shows as 21 KB
pdf_b64 = base64.encodebytes(PDF).decode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 3000
message("nested-mixed-related-alternative.eml",
        header("[#303] Invoice INV-2291", mid="nested", extra=['Content-Type: multipart/mixed; boundary="mixed"']),
        f"""This is a multi-part message in MIME format.
--mixed
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Please find the corrected invoice attached. The total is now =E2=82=AC 1,250.
--alt
Content-Type: text/html; charset=utf-8

<p>Please find the corrected invoice attached.</p><img src="cid:logo">
--alt--
--rel
Content-Type: image/png; name="logo.png"
Content-ID: <logo>
Content-Disposition: inline; filename="logo.png"
Content-Transfer-Encoding: base64

{base64.encodebytes(PNG).decode()}--rel--
--mixed
Content-Type: application/pdf; name="INV-2291.pdf"
Content-Disposition: attachment; filename="INV-2291.pdf"
Content-Transfer-Encoding: base64

{pdf_b64}--mixed--
""", post(303, "Please find the corrected invoice attached. The total is now € 1,250.",
           note="From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\n"
                "Subject: [#303] Invoice INV-2291\n\n"
                "Please find the corrected invoice attached. The total is now € 1,250.\n\n"
                "Attachments: logo.png (3 KB), INV-2291.pdf (21 KB)"))

message("multipart-signed.eml",
        header("[#304] Signed update", mid="signed",
               extra=['Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary="sig"']),
        """--sig
Content-Type: text/plain; charset=us-ascii

The patch is deployed to staging.
--sig
Content-Type: application/pgp-signature; name="signature.asc"

-----BEGIN PGP SIGNATURE-----
iQEzBAEBCAAdFiEE
-----END PGP SIGNATURE-----
--sig--
""", post(304, "The patch is deployed to staging."))

RFC2231 = "Rechnung März.pdf"
message("attachment-rfc2231-filename.eml",
        header("[#305] Rechnung", mid="rfc2231", extra=['Content-Type: multipart/mixed; boundary="m"']),
        f"""--m
Content-Type: text/plain; charset=utf-8

Anbei die Rechnung.
--m
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf
Content-Transfer-Encoding: base64

{base64.encodebytes(b"x" * 2048).decode()}--m
Content-Type: application/octet-stream; name="=?UTF-8?Q?Pr=C3=BCfbericht.txt?="
Content-Disposition: attachment
Content-Transfer-Encoding: base64

{base64.encodebytes(b"y" * 500).decode()}--m--
""", post(305, "Anbei die Rechnung.",
           note="From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\n"
                "Subject: [#305] Rechnung\n\nAnbei die Rechnung.\n\n"
                "Attachments: Rechnung März.pdf (2 KB), Prüfbericht.txt (500 bytes)"))

message("imap-skeleton-omitted-attachment.eml",
        header("[#306] Logs", mid="skeleton", extra=['Content-Type: multipart/mixed; boundary="nb"']),
        """--nb
Content-Type: text/plain; charset=utf-8

Logs attached, 20 MB.
--nb
Content-Type: application/zip; name="logs.zip"
Content-Disposition: attachment; filename="logs.zip"
X-Notegate-Omitted-Size: 20971520

--nb--
""", post(306, "Logs attached, 20 MB.",
           note="From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\n"
                "Subject: [#306] Logs\n\nLogs attached, 20 MB.\n\nAttachments: logs.zip (20.0 MB)"))

# Malformed structure real mail has (../shared/corpus: cpython-email msg_14, msg_41, mail-parser mail_test_1,
# mail_test_17); each is read the way Python's email package reads it.
# `Content-Type: text` names no subtype: RFC 2045 5.2 reads an invalid content type as text/plain.
message("content-type-text-without-subtype.eml",
        header("[#307] Drainbread ISP", mid="no-subtype", extra=["Content-Type: text; charset=us-ascii",
                                                                  "Content-Transfer-Encoding: 7bit"]),
        "My ISP writes a Content-Type without a subtype.\nI hope you can still read it.\n",
        post(307, "My ISP writes a Content-Type without a subtype.\nI hope you can still read it."))
# A multipart with no boundary parameter cannot be split into parts: its body is the text.
message("multipart-without-boundary.eml",
        header("[#308] No boundary", mid="no-boundary", extra=["Content-Type: multipart/alternative;"]),
        "The sender's mailer forgot the boundary.\n",
        post(308, "The sender's mailer forgot the boundary."))
# No MIME-Version, and the last part ends with a delimiter line that is never closed (`--b` instead of `--b--`):
# the parts the delimiters mark are complete, so the HTML text and the attachment are read.
ZIP = b"PK\x03\x04" + bytes(range(256)) * 8  # 2,052 bytes
message("multipart-last-boundary-unclosed.eml",
        [line for line in header("[#309] Unclosed", mid="unclosed",
                                 extra=['Content-Type: multipart/mixed; boundary="2NqJR3m"'])
         if not line.startswith("MIME-Version")],
        f"""--2NqJR3m
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

{base64.encodebytes("<p>The scanned notice is attached.</p>".encode()).decode()}
--2NqJR3m
Content-Type: application/octet-stream; name="notice.zip"
Content-Disposition: attachment; filename="notice.zip"
Content-Transfer-Encoding: base64

{base64.encodebytes(ZIP).decode()}--2NqJR3m
""", post(309, "The scanned notice is attached.", attachments="notice.zip (2 KB)"))
# multipart/alternative whose text/plain twin holds only blank lines: the HTML twin is the text.
message("multipart-alternative-empty-plain.eml",
        header("[#310] Empty plain twin", mid="empty-plain",
               extra=['Content-Type: multipart/mixed; boundary="outer"']),
        """--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable



--alt
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<html><head>
<meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dutf-8">
</head>
<body>Only the HTML twin holds the text.</body>
</html>

--alt--

--outer--
""", post(310, "Only the HTML twin holds the text."))

# --- Transfer encodings and charsets ------------------------------------------------------------------
UTF8_TEXT = "Grüße aus Köln — the ticket can be closed ✓"
message("base64-utf8.eml", plain("[#401] Base64", "", "b64", cte="base64"),
        base64.encodebytes(UTF8_TEXT.encode()).decode(), post(401, UTF8_TEXT))
LATIN = "Très bien, le problème est résolu à 100 %."
message("quoted-printable-latin1.eml", plain("[#402] QP", "", "qp", charset="iso-8859-1", cte="quoted-printable"),
        quopri.encodestring(LATIN.encode("latin-1")).decode() + "\n", post(402, LATIN))
C1 = "“Fixed” — costs €20…"
message("charset-latin1-with-c1-bytes-is-windows-1252.eml",
        header("[#403] Smart quotes", mid="c1", extra=['Content-Type: text/plain; charset="iso-8859-1"',
                                                        "Content-Transfer-Encoding: 8bit"]),
        C1.encode("windows-1252") + b"\n", post(403, C1))
message("charset-us-ascii-with-8bit-bytes.eml",
        header("[#404] Mislabelled", mid="ascii8", extra=['Content-Type: text/plain; charset="us-ascii"']),
        "Café opens at 9.".encode("windows-1252") + b"\n", post(404, "Café opens at 9."))
message("charset-invalid-utf8-bytes.eml",
        header("[#405] Broken bytes", mid="badutf8", extra=['Content-Type: text/plain; charset="utf-8"']),
        b"Broken \xff\xfe here \xc3 and fine \xc3\xa9.\n", post(405, "Broken \ufffd\ufffd here \ufffd and fine é."))
message("charset-unknown-name.eml",
        header("[#406] Unknown charset", mid="unknowncs", extra=['Content-Type: text/plain; charset="x-made-up-42"']),
        "Plain words still arrive.\n", post(406, "Plain words still arrive."))

CHARSETS = [
    ("iso-8859-1", "Déjà vu: café, naïve, señor."),
    ("iso-8859-2", "Zażółć gęślą jaźń, Příliš žluťoučký kůň."),
    ("iso-8859-5", "Принтер не работает."),
    ("iso-8859-7", "Ο εκτυπωτής δεν λειτουργεί."),
    ("iso-8859-15", "Le coût est de 20 €, œuvre."),
    ("windows-1250", "Dobrý den, tiskárna nefunguje."),
    ("windows-1251", "Добрый день, принтер снова сломался."),
    ("windows-1252", "“Quoted” – dash … €."),
    ("windows-1253", "Καλημέρα, ο διακομιστής έπεσε."),
    ("windows-1256", "مرحبا، الطابعة لا تعمل."),
    ("koi8-r", "Сервер перезагружен в 03:00."),
    ("iso-2022-jp", "プリンターが故障しました。"),
    ("shift_jis", "請求書を再送してください。"),
    ("euc-kr", "프린터가 고장났습니다."),
    ("gb2312", "打印机坏了，请尽快修理。"),
    ("gbk", "服務器已經重啟。"),
    ("gb18030", "数据库备份失败𠀀。"),
    ("big5", "印表機故障，請盡快處理。"),
    ("utf-8", "Ünïcödé ✓ 日本語 עברית"),
]
for index, (charset, text) in enumerate(CHARSETS):
    encoded = text.encode(charset)
    body = base64.encodebytes(encoded).decode()
    message(f"charset-{charset}.eml",
            header(f"[#5{index:02d}] Charset {charset}", mid=f"cs-{charset}",
                   extra=[f'Content-Type: text/plain; charset="{charset}"', "Content-Transfer-Encoding: base64"]),
            body, post(500 + index, text))

message("format-flowed.eml",
        header("[#601] Flowed", mid="flowed", extra=['Content-Type: text/plain; charset=utf-8; format=flowed']),
        "This paragraph was wrapped by the \nsending client at seventy-two \ncolumns.\n\n Space-stuffed line.\n",
        post(601, "This paragraph was wrapped by the sending client at seventy-two columns.\n\nSpace-stuffed line."))
message("format-flowed-delsp.eml",
        header("[#602] Flowed delsp", mid="delsp",
               extra=['Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes']),
        "Japanese-style wrap without spa \nces between words.\n", post(602, "Japanese-style wrap without spaces between words."))
message("line-endings-lf-and-trailing-blank-lines.eml", plain("[#603] LF only", "", "lf"),
        "\n\nFirst line.\nSecond line.\n\n\n\n", post(603, "First line.\nSecond line."), crlf=False)
message("mbox-from-line.eml", ["From dana@vendor.example Tue Nov 24 09:15:00 2026"] + plain("[#604] From mbox", "", "mbox"),
        "Exported from an mbox file.\n", post(604, "Exported from an mbox file."))
message("missing-message-id.eml", plain("[#605] No id", "", False), "No Message-ID header here.\n",
        post(605, "No Message-ID header here."))

# --- Quoted history, signatures, forwards -------------------------------------------------------------
REPLY = "Thanks, the restart fixed it. Closing on our side."
QUOTE = "> Could you restart the service?\n> \n> Regards,\n> Support"
ATTRIBUTIONS = {
    "english": "On Mon, 23 Nov 2026 at 17:02, Support Desk <support@support.example> wrote:",
    "english-wrapped": "On Mon, Nov 23, 2026 at 5:02 PM Support Desk Team Member With A Long Name <\nsupport@support.example> wrote:",
    "german": "Am 23.11.2026 um 17:02 schrieb Support Desk <support@support.example>:",
    "french": "Le lun. 23 nov. 2026 à 17:02, Support Desk <support@support.example> a écrit :",
    "spanish": "El lun, 23 nov 2026 a las 17:02, Support Desk (<support@support.example>) escribió:",
    "dutch": "Op ma 23 nov. 2026 om 17:02 schreef Support Desk <support@support.example>:",
    "portuguese": "Em seg., 23 de nov. de 2026 às 17:02, Support Desk <support@support.example> escreveu:",
    "italian": "Il giorno lun 23 nov 2026 alle ore 17:02 Support Desk <support@support.example> ha scritto:",
}
for index, (language, attribution) in enumerate(ATTRIBUTIONS.items()):
    message(f"reply-attribution-{language}.eml", plain(f"Re: [#7{index:02d}] Service down", "", f"reply-{language}"),
            f"{REPLY}\n\n{attribution}\n{QUOTE}\n", post(700 + index, REPLY))

message("reply-outlook-original-message.eml", plain("RE: [#720] Service down", "", "outlook-orig"),
        f"""{REPLY}

-----Original Message-----
From: Support Desk <support@support.example>
Sent: Monday, November 23, 2026 5:02 PM
To: Dana Reyes <dana@vendor.example>
Subject: [#720] Service down

Could you restart the service?
""", post(720, REPLY))
message("reply-outlook-header-block.eml", plain("RE: [#721] Service down", "", "outlook-block"),
        f"""{REPLY}

________________________________
From: Support Desk <support@support.example>
Sent: Monday, November 23, 2026 5:02 PM
To: Dana Reyes <dana@vendor.example>
Subject: RE: [#721] Service down

Could you restart the service?
""", post(721, REPLY))
message("reply-outlook-html.eml",
        header("RE: [#722] Service down", mid="outlook-html", extra=['Content-Type: text/html; charset=utf-8']),
        f"""<html><body><div class="WordSection1"><p class="MsoNormal">{REPLY}</p><p class="MsoNormal">&nbsp;</p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>From:</b> Support Desk &lt;support@support.example&gt;<br>
<b>Sent:</b> Monday, November 23, 2026 5:02 PM<br><b>To:</b> Dana Reyes &lt;dana@vendor.example&gt;<br>
<b>Subject:</b> RE: [#722] Service down</p></div>
<p class="MsoNormal">Could you restart the service?</p></div></body></html>
""", post(722, REPLY))
message("reply-gmail-html-blockquote.eml",
        header("Re: [#723] Service down", mid="gmail-html", extra=['Content-Type: text/html; charset=utf-8']),
        f"""<div dir="ltr">{REPLY}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 23 Nov 2026 at 17:02, Support Desk &lt;<a href="mailto:support@support.example">support@support.example</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Could you restart the service?</blockquote></div>
""", post(723, REPLY))
message("signature-dash-dash-space.eml", plain("[#724] Signature", "", "sig"),
        f"{REPLY}\n\n-- \nDana Reyes\nVendor Support Lead\n+1 555 0100\n", post(724, REPLY))
message("reply-only-quote-keeps-untrimmed.eml", plain("Re: [#725] Only a quote", "", "only-quote"),
        f"{ATTRIBUTIONS['english']}\n{QUOTE}\n", post(725, f"{ATTRIBUTIONS['english']}\n{QUOTE}"))

FWD_INLINE = """FYI, see the vendor's answer below.

---------- Forwarded message ---------
From: Vendor Support <help@vendor.example>
Date: Mon, Nov 23, 2026 at 4:00 PM
Subject: Case 8812
To: Dana Reyes <dana@vendor.example>

The firmware update 4.2.1 fixes the E-301 error."""
message("forward-inline-gmail.eml", plain("Fwd: [#730] Case 8812", "", "fwd-inline"), FWD_INLINE + "\n",
        post(730, FWD_INLINE))
message("forward-as-attachment.eml",
        header("Fwd: [#731] Case 8813", mid="fwd-attached", extra=['Content-Type: multipart/mixed; boundary="f"']),
        """--f
Content-Type: text/plain; charset=utf-8

Forwarding the vendor's mail.
--f
Content-Type: message/rfc822
Content-Disposition: attachment; filename="Case 8813.eml"

From: Vendor Support <help@vendor.example>
To: Dana Reyes <dana@vendor.example>
Date: Mon, 23 Nov 2026 16:00:00 +0000
Subject: Case 8813
Message-ID: <case8813@vendor.example>
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

The replacement part ships on Thursday. Gr=FC=DFe.
--inner
Content-Type: image/jpeg; name="label.jpg"
Content-Disposition: attachment; filename="label.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQSkZJRgABAQAAAQABAAD/
--inner--
--f--
""", post(731, "Forwarding the vendor's mail.\n\n---------- Forwarded message ----------\n"
                   "From: Vendor Support <help@vendor.example>\nDate: Mon, 23 Nov 2026 16:00:00 +0000\n"
                   "Subject: Case 8813\nTo: Dana Reyes <dana@vendor.example>\n\n"
                   "The replacement part ships on Thursday. Grüße.",
           note="From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\n"
                "Subject: Fwd: [#731] Case 8813\n\nForwarding the vendor's mail.\n\n"
                "---------- Forwarded message ----------\nFrom: Vendor Support <help@vendor.example>\n"
                "Date: Mon, 23 Nov 2026 16:00:00 +0000\nSubject: Case 8813\nTo: Dana Reyes <dana@vendor.example>\n\n"
                "The replacement part ships on Thursday. Grüße.\n\nAttachments: label.jpg (21 bytes)"))

def size_text(count):
    """`512 bytes`, `21 KB`: how a note names a size (powers of 1024, rounded)."""
    return f"{count} bytes" if count < 1024 else f"{(count + 512) // 1024} KB"


def truncation_marker(omitted):
    return f"[notegate: note truncated, {size_text(omitted)} of text omitted]"


LONG_LINE = "Log line: service restarted, checking queue depth and worker health."
LONG_TEXT = "\n".join([LONG_LINE] * 1500)  # 103,499 bytes: more than the 64 KiB a note may have
LONG_HEADER = "From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\nSubject: [#740] Huge log"


def truncated_note(lines):
    kept = "\n".join([LONG_LINE] * lines)
    return f"{LONG_HEADER}\n\n{kept}\n\n{truncation_marker(len(LONG_TEXT) - len(kept))}"


# The note keeps as many whole lines as fit, with the marker, in 64 KiB (the header lines count too).
KEPT_LINES = max(n for n in range(1500) if len(truncated_note(n).encode()) <= MAX_NOTE_BYTES)
message("long-body-truncated.eml", plain("[#740] Huge log", "", "long"), LONG_TEXT + "\n",
        post(740, LONG_TEXT, note=truncated_note(KEPT_LINES)))

# A vendor thread the gateway is CC'd on: the vendor's reply drops the tag but keeps the thread.
message("vendor-thread-1-tagged.eml",
        header("[#760] Firmware rollout", frm="Priya Nair <priya@vendor.example>", mid="thread-760",
               extra=['Content-Type: text/plain; charset=utf-8', "Cc: notes@support.example"]),
        "We will roll out firmware 4.2.1 to your fleet on Friday.\n",
        post(760, "We will roll out firmware 4.2.1 to your fleet on Friday."))
message("vendor-thread-2-untagged-reply.eml",
        header("Re: Firmware rollout", frm="Priya Nair <priya@vendor.example>", mid="thread-760-reply",
               extra=['Content-Type: text/plain; charset=utf-8', "Cc: notes@support.example",
                      "In-Reply-To: <thread-760@vendor.example>", "References: <thread-760@vendor.example>"]),
        "Rollout finished, all 40 devices report 4.2.1.\n\n"
        "On Tue, 24 Nov 2026 at 09:15, Priya Nair <priya@vendor.example> wrote:\n"
        "> We will roll out firmware 4.2.1 to your fleet on Friday.\n",
        skip("no-ticket", None, "Rollout finished, all 40 devices report 4.2.1."))

# --- Skip rules -------------------------------------------------------------------------------------
OOO = "I am out of the office until 1 December."
message("auto-reply-auto-submitted.eml",
        plain("Automatic reply: [#801] Printer", "", "ooo1", extra=["Auto-Submitted: auto-replied"]),
        OOO + "\n", skip("auto-reply", 801, OOO))
message("auto-reply-x-autoreply.eml", plain("Out of Office: [#802] Printer", "", "ooo2", extra=["X-Autoreply: yes"]),
        OOO + "\n", skip("auto-reply", 802, OOO))
message("auto-reply-x-autorespond.eml", plain("Re: [#803] Printer", "", "ooo3", extra=["X-Autorespond: vacation"]),
        OOO + "\n", skip("auto-reply", 803, OOO))
message("auto-reply-precedence.eml", plain("Re: [#804] Printer", "", "ooo4", extra=["Precedence: auto_reply"]),
        OOO + "\n", skip("auto-reply", 804, OOO))
message("auto-submitted-no-is-a-person.eml", plain("[#805] Printer", "", "asno", extra=["Auto-Submitted: no"]),
        PRINTER + "\n", post(805, PRINTER))
message("bulk-precedence-bulk.eml", plain("[#806] Newsletter", "", "bulk", extra=["Precedence: bulk"]),
        "Our November newsletter.\n", skip("bulk", 806, "Our November newsletter."))
message("bulk-precedence-junk.eml", plain("[#807] Offer", "", "junk", extra=["Precedence: junk"]),
        "Buy now.\n", skip("bulk", 807, "Buy now."))
message("bounce-delivery-status.eml",
        header("Undelivered Mail Returned to Sender [#808]", frm="Mail Delivery System <MAILER-DAEMON@mx.example>",
               mid="bounce1",
               extra=['Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
                      "Auto-Submitted: auto-replied"]),
        """--r
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
Final-Recipient: rfc822; nobody@vendor.example
Action: failed
Status: 5.1.1
--r--
""", skip("bounce", 808, "I'm sorry to have to inform you that your message could not be delivered."))
message("bounce-postmaster-sender.eml",
        plain("Delivery failure [#809]", "", "bounce2", frm="postmaster@mx.example"),
        "Message not delivered.\n", skip("bounce", 809, "Message not delivered."))
message("no-text-empty-body.eml", plain("[#810] Empty", "", "empty"), "\n\n", skip("no-text", 810))
message("malformed-binary.eml", [], b"", skip("malformed"))
fixtures["malformed-binary.eml"] = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(range(256)) * 4
fixtures["malformed-empty.eml"] = b""
expectations["malformed-empty.eml"] = skip("malformed")
fixtures["malformed-no-header.eml"] = b"Just some text pasted into a file.\nNo headers at all.\n"
expectations["malformed-no-header.eml"] = skip("malformed")

# --- Size and structure extremes ----------------------------------------------------------------------
received = [f"Received: from relay{i}.example (relay{i}.example [192.0.2.{i % 250}]) by mx.example; Tue, 24 Nov 2026 09:{i % 60:02d}:00 +0000"
            for i in range(3000)]
message("huge-header.eml", received + plain("[#901] Many hops", "", "hops"), "Arrived after 3000 hops.\n",
        post(901, "Arrived after 3000 hops."))
# The parser keeps 16 KiB of a header value; the note's Subject line may take an eighth of the note (8 KiB) and
# ends with "…" where it is cut; the marker after the whole text names that line and counts what it lost.
LONG_SUBJECT = ("[#902] " + "very long subject " * 2000).encode()[:16 * 1024].decode().strip()
SUBJECT_LINE = "Subject: " + LONG_SUBJECT
SUBJECT_KEPT = SUBJECT_LINE.encode()[:MAX_NOTE_BYTES // 8 - len("…".encode())].decode()
message("long-subject-header.eml", plain("[#902] " + "very long subject " * 2000, "", "longsubj"),
        "Long subject.\n",
        post(902, "Long subject.",
             note="From: Dana Reyes <dana@vendor.example>\nDate: Tue, 24 Nov 2026 09:15:00 +0100\n"
                  f"{SUBJECT_KEPT}…\n\nLong subject.\n\n"
                  + f"[notegate: note truncated, {size_text(len(SUBJECT_LINE.encode()) - len(SUBJECT_KEPT.encode()))}"
                  " of the Subject line omitted]"))


def nested(depth):
    opening = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n' for i in range(depth))
    closing = "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    return opening + "Content-Type: text/plain\n\nDeep inside.\n" + closing


deep = nested(20).split("\n\n", 1)
message("nesting-20-levels.eml", header("[#903] Nested", mid="nest20") + [deep[0]], deep[1], post(903, "Deep inside."))
deep = nested(5000).split("\n\n", 1)
message("nesting-5000-levels.eml", header("[#904] Nested bomb", mid="nest5000") + [deep[0]], deep[1],
        skip("too-complex"))

os.makedirs(OUT, exist_ok=True)
for name, raw in fixtures.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(raw)
with open(os.path.join(OUT, "expectations.json"), "w") as f:
    json.dump(expectations, f, ensure_ascii=False, indent=1, sort_keys=True)
print(f"wrote {len(fixtures)} fixtures")
