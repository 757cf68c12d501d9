#!/usr/bin/env bash
# `make fuzz`: builds every fuzz target with libFuzzer and AddressSanitizer (release, in .build-fuzz)
# and runs each for FUZZ_SECONDS (default 60), one at a time on one core, seeded from fixtures/.
# A crash, a leak, an input that takes over 1 s or an allocation over 256 MB stops the target and
# leaves the input in .build-fuzz/findings/TARGET/; the run then exits 1. Corpora grow in
# .build-fuzz/corpus/TARGET and are reused by the next run. Prints executions per target and in
# total, and appends them to .build-fuzz/executions.tsv.
#   FUZZ_TARGETS="message imap"   only these targets
#   FUZZ_ARGS="-only_ascii=1"     more libFuzzer flags
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-message html encoded-words config imap}
SCRATCH=.build-fuzz

# -sanitize=fuzzer links libFuzzer (instrumentation and driver); C targets (CEtPanTLS, Yams' libyaml)
# get the same instrumentation without libFuzzer's main. NOTEGATE_FUZZ turns each target's main into
# a call to libFuzzer's driver. gold fails on these objects; lld links them.
BUILD_FLAGS=(-c release --scratch-path "$SCRATCH" -Xswiftc -DNOTEGATE_FUZZ -Xswiftc -sanitize=fuzzer,address
             -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld)

# The inputs each target starts from, besides its corpus: fixtures, and the reproducers of what the
# fuzzer found before (fixtures/fuzz/findings/TARGET).
seeds() {
    case "$1" in
        message) ls fixtures/*.eml ;;
        html) ls fixtures/fuzz/seeds/html/* fixtures/*.eml ;;
        encoded-words) ls fixtures/fuzz/seeds/encoded-words/* fixtures/*.eml ;;
        config) ls fixtures/fuzz/seeds/config/* config/notegate.example.yaml ;;
        imap) ls fixtures/fuzz/seeds/imap/* ;;
    esac
    ls fixtures/fuzz/findings/"$1"/* 2>/dev/null
}

# The longest input each target is given: header values are short; messages and server
# transcripts need room for structure.
max_len() {
    case "$1" in
        encoded-words) echo 1024 ;;
        config) echo 4096 ;;
        html) echo 16384 ;;
        *) echo 32768 ;;
    esac
}

# A fresh scratch path reuses the dependencies the normal build already fetched.
if [ ! -d "$SCRATCH/checkouts" ] && [ -d .build/checkouts ]; then
    mkdir -p "$SCRATCH"
    cp -r .build/repositories .build/checkouts .build/workspace-state.json "$SCRATCH"/
fi

for target in $TARGETS; do
    echo "building notegate-fuzz-$target (libFuzzer + AddressSanitizer)"
    $SWIFT build -q "${BUILD_FLAGS[@]}" --product "notegate-fuzz-$target" 2>&1 | grep -v -e "unhandled" -e "CMakeLists"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "build of notegate-fuzz-$target failed" >&2; exit 2; }
done

total=0
failed=()
for target in $TARGETS; do
    corpus="$SCRATCH/corpus/$target"
    seed_dir="$SCRATCH/seeds/$target"
    findings="$SCRATCH/findings/$target"
    log="$SCRATCH/logs/$target.log"
    rm -rf "$seed_dir"
    mkdir -p "$corpus" "$seed_dir" "$findings" "$(dirname "$log")"
    seeds "$target" | xargs -r cp -t "$seed_dir"
    touch "$SCRATCH/logs/started"
    echo "fuzzing $target for ${SECONDS_PER_TARGET}s (log: $log)"
    # One process on one core. rss_limit is the whole process (ASan's shadow and quarantine
    # included); malloc_limit is any single allocation.
    # Leaks in code outside notegate (libetpan, Swift's regex engine) are listed in fixtures/fuzz/lsan.supp.
    ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=8} LSAN_OPTIONS=suppressions="$PWD/fixtures/fuzz/lsan.supp" \
        "$SCRATCH/release/notegate-fuzz-$target" \
        "$corpus" "$seed_dir" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$target")" \
        -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=256 -print_final_stats=1 \
        -artifact_prefix="$findings/" ${FUZZ_ARGS:-} >"$log" 2>&1
    status=$?
    runs=$(awk '/stat::number_of_executed_units/ { n = $2 } END { print n + 0 }' "$log")
    total=$((total + runs))
    printf '%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$runs" "$status" >>"$SCRATCH/executions.tsv"
    if [ "$status" -eq 0 ]; then
        printf '  %-14s %12d executions, nothing found\n' "$target" "$runs"
    else
        failed+=("$target")
        printf '  %-14s %12d executions, FOUND: %s\n' "$target" "$runs" \
            "$(grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|ALARM|.*out-of-memory|.*deadly signal)' "$log")"
        find "$findings" -type f -newer "$SCRATCH/logs/started" | sed 's/^/    reproducer: /'
    fi
done
printf '  %-14s %12d executions\n' total "$total"
if [ ${#failed[@]} -gt 0 ]; then
    echo "findings in: ${failed[*]}; replay one with the plain build: swift build --product notegate-fuzz-TARGET && .build/debug/notegate-fuzz-TARGET FILE" >&2
    exit 1
fi
