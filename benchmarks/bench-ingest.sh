#!/usr/bin/env bash
# `make bench-ingest`: notegate's ingest side by side with a Python imaplib peer on the same test Dovecot
# mailbox (2,000 messages from fixtures/ and ../shared/corpus, some with 0.17-0.87 MB attachments), then a
# 10,000-message run for memory. Release builds; SCRATCH (default .build) is the build folder.
# BENCH_INGEST_COUNTS overrides the mailbox sizes, e.g. "500".
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=(--scratch-path "${SCRATCH:-.build}")
swift build -q -c release "${scratch[@]}" --product notegate
swift build -q -c release "${scratch[@]}" --product notegate-bench-e2e
bin="$(swift build -c release "${scratch[@]}" --show-bin-path)"
for count in ${BENCH_INGEST_COUNTS:-2000 10000}; do
    echo "== $count messages =="
    "$bin/notegate-bench-e2e" side-by-side "$count"
done
