#!/usr/bin/env bash
# Repeats, at the end of `make test`, every failure the test run printed: each issue a test recorded
# (with its detail lines), each failed test and suite, and a crash of the test process. A long run's
# failure is then in the last lines of its output, where CI's excerpt shows it. Prints nothing when
# nothing failed. Reads the run's saved output ($1).
set -uo pipefail
log=${1:?usage: test-failures.sh OUTPUT_LOG}
[ -r "$log" ] || { echo "test-failures: no test output at $log"; exit 0; }

# Without colour codes; an issue's detail lines start with "↳" and follow it.
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /recorded an issue/ || /: error: / || /XCTAssert/ { print; detail = 1; next }
    detail && /^[[:space:]]*↳/ { print; next }
    { detail = 0 }
    /✘ Test .* failed after/ || /✘ Suite .* failed after/ { print }
    /[Ee]xited with (unexpected )?signal/ || /Fatal error:/ || /Segmentation fault/ { print }
' | head -n 200)

if [ -n "$summary" ]; then
    echo
    echo "==== make test: what failed (repeated from the output above) ===="
    printf '%s\n' "$summary"
    echo "==== end of failures ===="
fi
exit 0
