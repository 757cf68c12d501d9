#!/usr/bin/env python3
"""The peer for `make bench-parse`: Python's standard email package on the same files, the same way
(policy.default, get_body(preferencelist=('plain', 'html')), get_content()), for a few seconds."""
import email, os, sys, time
from email import policy

files = [open(p, "rb").read() for p in sys.argv[1:]]
seconds = float(os.environ.get("BENCH_SECONDS", "5"))
processed = total_bytes = 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    for raw in files:
        try:
            message = email.message_from_bytes(raw, policy=policy.default)
            body = message.get_body(preferencelist=("plain", "html"))
            if body is not None:
                body.get_content()
        except Exception:
            pass
        total_bytes += len(raw)
    processed += len(files)
elapsed = time.perf_counter() - start
print(f"python email: {processed} messages ({len(files)} files) in {elapsed:.1f} s: "
      f"{processed / elapsed:.0f} messages/s, {total_bytes / elapsed / 1e6:.1f} MB/s")
print(f"RESULT python {processed / elapsed:.1f} {total_bytes / elapsed / 1e6:.2f}")
