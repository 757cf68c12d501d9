#!/usr/bin/env python3
"""Writes the IMAP server transcripts that seed the `imap` fuzz target (fixtures/fuzz/seeds/imap/).

Each file is everything a server says during one watcher pass, in order: greeting, then the answers
to LOGIN (tag 1), CAPABILITY (2), SELECT (3), UID SEARCH (4), UID FETCH of the structures (5), the
fetches of text, the moves, LOGOUT. notegate's client reads it through an in-memory stream
(`IMAPReplay`); literal sizes are computed here so that the transcripts stay valid when edited.
"""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "fuzz", "seeds", "imap")


def literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def message(subject: bytes, body: bytes, content_type=b"text/plain; charset=utf-8") -> bytes:
    return (b"From: Ann <ann@customer.example>\r\nTo: notes@support.example\r\nSubject: " + subject +
            b"\r\nMessage-ID: <" + str(abs(hash(subject))).encode() + b"@customer.example>\r\n"
            b"Content-Type: " + content_type + b"\r\n\r\n" + body)


def header_of(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n")[0] + b"\r\n\r\n"


GREETING = b"* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UIDPLUS] Dovecot ready.\r\n"
LOGIN = b"1 OK [CAPABILITY IMAP4rev1 IDLE MOVE UIDPLUS] Logged in\r\n"
CAPABILITY = b"* CAPABILITY IMAP4rev1 IDLE MOVE UIDPLUS\r\n2 OK Capability completed.\r\n"


def select(exists: int, uidnext: int) -> bytes:
    return (b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Flags permitted.\r\n"
            b"* %d EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
            b"* OK [UIDNEXT %d] Predicted next UID\r\n3 OK [READ-WRITE] Select completed.\r\n" % (exists, uidnext))


def search(uids) -> bytes:
    return b"* SEARCH " + b" ".join(b"%d" % u for u in uids) + b"\r\n4 OK Search completed.\r\n"


PLAIN_STRUCTURE = b'("text" "plain" ("charset" "utf-8") NIL NIL "7bit" %d 1 NIL NIL NIL NIL)'


def moves(first_tag: int, uids, delimiter=b"/", move=True) -> bytes:
    """The `posted` action (move:notegate/posted) for each message: LIST to learn the delimiter and
    that the folder exists (once), CREATE, then UID MOVE, or UID COPY + STORE + EXPUNGE."""
    tag = first_tag
    out = b'* LIST (\\Noselect) "' + delimiter + b'" ""\r\n%d OK List completed.\r\n' % tag
    tag += 1
    out += b"%d OK List completed.\r\n%d OK Create completed.\r\n" % (tag, tag + 1)
    tag += 2
    for uid in uids:
        if uid != uids[0]:
            out += b'* LIST (\\HasNoChildren) "' + delimiter + b'" "notegate' + delimiter + b'posted"\r\n'
            out += b"%d OK List completed.\r\n" % tag
            tag += 1
        if move:
            out += b"* OK [COPYUID 1700000001 %d 1] Moved\r\n* 1 EXPUNGE\r\n%d OK Move completed.\r\n" % (uid, tag)
            tag += 1
        else:
            out += b"%d OK [COPYUID 1700000001 %d 1] Copy completed.\r\n" % (tag, uid)
            out += b"* 1 FETCH (FLAGS (\\Deleted))\r\n%d OK Store completed.\r\n" % (tag + 1)
            out += b"* 1 EXPUNGE\r\n%d OK Expunge completed.\r\n" % (tag + 2)
            tag += 3
    return out + b"* BYE Logging out\r\n%d OK Logout completed.\r\n" % tag


def small_messages() -> bytes:
    raw = message(b"Re: [#143] printer", b"It works now, thanks.\r\n")
    out = GREETING + LOGIN + CAPABILITY + select(2, 9) + search([7, 8])
    for seq, uid, flags in [(1, 7, b""), (2, 8, b"\\Seen")]:
        out += (b"* %d FETCH (UID %d RFC822.SIZE %d FLAGS (%s) BODYSTRUCTURE " % (seq, uid, len(raw), flags) +
                PLAIN_STRUCTURE % 23 + b" BODY[HEADER] " + literal(header_of(raw)) + b")\r\n")
    out += b"5 OK Fetch completed.\r\n"
    for tag, seq, uid in [(6, 1, 7), (7, 2, 8)]:
        out += b"* %d FETCH (UID %d BODY[] " % (seq, uid) + literal(raw) + b")\r\n%d OK Fetch completed.\r\n" % tag
    return out + moves(8, [7, 8])


def large_multipart() -> bytes:
    """A 3 MB message (a PDF and a forwarded message): structure, then only the text sections."""
    text = b"See the attached report.\r\n"
    inner = message(b"report", b"Inner text.\r\n")
    raw_header = header_of(message(b"[#7] monthly report", b"", b'multipart/mixed; boundary="b1"'))
    structure = (b'(("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" %d 1 NIL NIL NIL NIL)'
                 b'("application" "pdf" ("name" "report.pdf") NIL NIL "base64" 3000000 NIL ("attachment" ("filename" "report.pdf")) NIL NIL)'
                 b'("message" "rfc822" NIL NIL NIL "7bit" %d ("Mon, 1 Nov 2026 10:00:00 +0000" "report" (("Ann" NIL "ann" "customer.example")) NIL NIL NIL NIL NIL NIL "<i@x>") '
                 b'("text" "html" ("charset" "iso-8859-1") NIL NIL "8bit" 40 2 NIL NIL NIL NIL) 3 NIL NIL NIL NIL)'
                 b' "mixed" ("boundary" "b1") NIL NIL NIL)') % (len(text), len(inner))
    out = GREETING + LOGIN + CAPABILITY + select(1, 12) + search([11])
    out += (b"* 1 FETCH (UID 11 RFC822.SIZE 3001234 FLAGS () BODYSTRUCTURE " + structure +
            b" BODY[HEADER] " + literal(raw_header) + b")\r\n5 OK Fetch completed.\r\n")
    out += (b"* 1 FETCH (UID 11 BODY[1] " + literal(text) + b" BODY[1.MIME] " +
            literal(b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n") +
            b" BODY[3.1] " + literal(b"<p>Caf\xe9 <b>ok</b></p>") + b" BODY[3.HEADER] " + literal(header_of(inner)) +
            b")\r\n6 OK Fetch completed.\r\n")
    return out + moves(7, [11])


def too_large_and_noisy() -> bytes:
    """A message over max_message_bytes (skeleton only), a server without MOVE or UIDPLUS that uses
    `.` between folder levels, and unsolicited EXISTS, RECENT, EXPUNGE and FETCH FLAGS everywhere."""
    noise = b"* 3 EXISTS\r\n* 1 RECENT\r\n* 2 FETCH (FLAGS (\\Seen))\r\n"
    raw_header = header_of(message(b"=?UTF-8?B?W1sjOTldXSDDqXTDqQ==?=", b""))
    out = (b"* OK IMAP4rev1 ready\r\n" + noise + LOGIN +
           b"* CAPABILITY IMAP4rev1\r\n" + noise + b"2 OK done\r\n" + select(2, 0) + noise + search([5]))
    out += (b"* 1 FETCH (UID 5 RFC822.SIZE 90000000 FLAGS (\\Flagged $Label1) BODYSTRUCTURE " +
            PLAIN_STRUCTURE % 89999000 + b" BODY[HEADER] " + literal(raw_header) + b")\r\n" + noise +
            b"5 OK Fetch completed.\r\n")
    return out + moves(6, [5], delimiter=b".", move=False)


def refusals() -> bytes:
    """Login accepted, then SELECT refused."""
    return GREETING + LOGIN + CAPABILITY + b"3 NO [NONEXISTENT] Mailbox doesn't exist: INBOX\r\n"


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for name, data in [("dovecot-two-small-messages.txt", small_messages()),
                       ("large-multipart-text-sections.txt", large_multipart()),
                       ("too-large-no-move-unsolicited.txt", too_large_and_noisy()),
                       ("select-refused.txt", refusals()),
                       ("login-refused.txt", GREETING + b"1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
                       ("bye-greeting.txt", b"* BYE Too many connections\r\n")]:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
