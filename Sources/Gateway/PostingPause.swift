import Foundation

/// BENCHMARK-ONLY: `NOTEGATE_BENCH_PAUSE_POSTING=1` makes `notegate once` read, parse, decide and record
/// every message but post nothing: the pass ends when every mailbox has caught up, leaving the notes
/// pending in the ledger for a later run. `make bench-ingest` uses it to time intake alone. `run` ignores it.
enum PostingPause {
    static let isOn = ProcessInfo.processInfo.environment["NOTEGATE_BENCH_PAUSE_POSTING"] == "1"
}
