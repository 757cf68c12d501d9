#!/usr/bin/env bash
# make bench-parse: notegate's parse + extract against Python's email package, same files, one run.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${CORPUS:-../shared/corpus}"
mapfile -t files < <(find fixtures "$corpus" -type f \( -name '*.eml' -o -name '*.msg' -o -name '*.html' \) 2>/dev/null | sort)
echo "bench-parse: ${#files[@]} files ($(cat "${files[@]}" | wc -c) bytes) from fixtures/ and $corpus"
swift build -c release --product notegate-bench-parse >/dev/null
ours=$(.build/release/notegate-bench-parse "${files[@]}")
theirs=$(python3 benchmarks/python_email_parse.py "${files[@]}")
echo "$ours" | grep -v '^RESULT'
echo "$theirs" | grep -v '^RESULT'
read -r _ _ our_rate our_mb <<<"$(echo "$ours" | grep '^RESULT')"
read -r _ _ their_rate their_mb <<<"$(echo "$theirs" | grep '^RESULT')"
python3 -c "print(f'ratio: notegate is {$our_rate / $their_rate:.1f}x Python email in messages/s, {$our_mb / $their_mb:.1f}x in MB/s (goal: 10x)')"
