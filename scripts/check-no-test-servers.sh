#!/usr/bin/env bash
# Fails when a server the tests started is still running after `swift test`: a Dovecot (master or child)
# working in a notegate-dovecot-* folder of the harness, a PostgreSQL (postmaster or backend) working in a
# notegate-postgres-* folder of the harness, or a notegate process (run, once, sandbox) started from this
# checkout's .build. Every test must stop what it starts, also when it fails; `make test` ends
# with this check. `--stop` also ends what it finds (by PID, SIGTERM then SIGKILL) after reporting it.
set -uo pipefail

cd "$(dirname "$0")/.."
build="$(pwd)/.build"
tmp="${TMPDIR:-/tmp}"
tmp="${tmp%/}"
stop=false
[ "${1:-}" = "--stop" ] && stop=true

# Whether process $1 belongs to the tests: its command line, working folder or an open file names a
# harness folder, or it runs a notegate binary from this checkout's build.
started_by_tests() {
    local pid=$1 command link
    command=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || return 1
    case "$command" in
    *"$tmp/notegate-dovecot-"* | *"$tmp/notegate-postgres-"*) return 0 ;;
    "$build/"*notegate" "* | *" $build/"*notegate" "*) return 0 ;;
    esac
    # Dovecot's children (imap-login, imap, auth, log…) and PostgreSQL's (checkpointer, a session's
    # backend…) carry no folder on their command line, but work in, and hold files of, the harness's folder;
    # readable only for our own processes or as root.
    for link in "/proc/$pid/cwd" "/proc/$pid/fd/"*; do
        case "$(readlink "$link" 2>/dev/null)" in
        "$tmp/notegate-dovecot-"* | "$tmp/notegate-postgres-"*) return 0 ;;
        esac
    done
    return 1
}

found=()
for entry in /proc/[0-9]*; do
    pid=${entry#/proc/}
    [ "$pid" = "$$" ] || [ "$pid" = "$PPID" ] && continue
    if started_by_tests "$pid"; then found+=("$pid"); fi
done
# A process on its way out (a child Dovecot reaps as it stops) is not a leftover: look again a moment later.
leftovers=()
if [ ${#found[@]} -gt 0 ]; then
    sleep 1
    for pid in "${found[@]}"; do
        if started_by_tests "$pid"; then leftovers+=("$pid"); fi
    done
fi

if [ ${#leftovers[@]} -eq 0 ]; then
    echo "check-no-test-servers: no Dovecot, PostgreSQL or notegate started by the tests is running"
    exit 0
fi

echo "check-no-test-servers: FAIL: ${#leftovers[@]} process(es) started by the tests are still running:" >&2
for pid in "${leftovers[@]}"; do
    # PostgreSQL pads the command lines it rewrites with spaces.
    echo "  $pid  $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | sed 's/ *$//')" >&2
done
if $stop; then
    kill -TERM "${leftovers[@]}" 2>/dev/null
    sleep 2
    for pid in "${leftovers[@]}"; do
        [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null
    done
    echo "check-no-test-servers: stopped them" >&2
else
    echo "A test did not stop a server it started. To end these: scripts/check-no-test-servers.sh --stop" >&2
fi
exit 1
