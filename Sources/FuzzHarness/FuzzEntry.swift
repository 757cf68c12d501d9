import Foundation

#if NOTEGATE_FUZZ
/// libFuzzer's driver (`-sanitize=fuzzer` links it): parses the libFuzzer flags in `argv` and calls
/// `callback` with each input until the run ends.
@_silgen_name("LLVMFuzzerRunDriver")
private func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target the running fuzzer feeds; set once by `FuzzEntry.main` before libFuzzer starts.
nonisolated(unsafe) private var currentTarget: ([UInt8]) -> String = { _ in "" }
#endif

/// The `main` of every fuzz target. Built by `make fuzz` (with `-DNOTEGATE_FUZZ` and
/// `-sanitize=fuzzer,address`) it hands the command line to libFuzzer, which feeds `oneInput`;
/// in a plain build it is a reproducer that runs `oneInput` over the files given (`FuzzReproducer`).
/// `oneInput` returns a line that says what became of the input, for the reproducer to print.
///
/// SwiftPM renames an executable's `main` and links it in by symbol name, so a target cannot leave
/// `main` to libFuzzer as a C fuzz target does; it calls libFuzzer's driver from its own instead.
public enum FuzzEntry {
    public static func main(_ oneInput: @escaping ([UInt8]) -> String) -> Never {
        #if NOTEGATE_FUZZ
        currentTarget = oneInput
        // Lazy globals (compiled regexes, iconv's modules) are built on first use and kept; built
        // inside the first fuzzed input they would read as that input's leak.
        _ = oneInput([])
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runLibFuzzerDriver(&argc, &argv) { data, size in
            _ = currentTarget(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        FuzzReproducer.main(oneInput)
        #endif
    }
}
