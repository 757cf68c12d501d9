#!/usr/bin/env python3
"""Prints the bytes a gateway needs at the least from every message file in a folder: each message's
header plus the raw bodies of its text parts (text/* parts that are not attachments, and the headers of
attached messages), as they are stored. The yardstick for bytes fetched in `make bench-ingest`."""
import email, email.policy, os, sys

total = 0
folder = sys.argv[1]
for name in os.listdir(folder):
    raw = open(os.path.join(folder, name), "rb").read()
    end = raw.find(b"\n\n")
    total += len(raw) if end < 0 else end + 2
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "text" and not (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            payload = part.get_payload(decode=False)
            total += len(payload.encode("utf-8", "surrogateescape")) if isinstance(payload, str) else 0
print(total)
