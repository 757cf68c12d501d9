import Foundation

/// The `main` of a fuzz target built without libFuzzer: runs the target's one-input function over
/// files, so that a crash the fuzzer found, a committed reproducer or a seed directory can be
/// replayed in a plain build, under a debugger or from a test.
public enum FuzzReproducer {
    /// Runs `oneInput` over every file named on the command line; a directory stands for every
    /// regular file below it, in path order. Prints each path before running it, so the last one
    /// printed is the culprit of a crash, then the outcome `oneInput` describes. Exits 0 when every
    /// input ran, 2 on a usage error or a path that cannot be read.
    public static func main(_ oneInput: ([UInt8]) -> String) -> Never {
        let arguments = CommandLine.arguments
        let name = URL(fileURLWithPath: arguments[0]).lastPathComponent
        guard arguments.count > 1 else {
            fail("usage: \(name) FILE_OR_DIRECTORY...\n(built without libFuzzer: runs each input once; "
                + "`make fuzz` builds the fuzzer)")
        }
        var count = 0
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    fail("\(name): cannot read \(file); check that it exists and is readable")
                }
                print("running \(file)")
                fflush(nil)
                print("  \(oneInput(Array(data)))")
                count += 1
            }
        }
        print("\(name): \(count) inputs ran without a crash")
        exit(0)
    }

    /// `path` itself, or the regular files below it when it is a directory.
    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let walker = FileManager.default.enumerator(atPath: path) else { return [path] }
        let directory = path.hasSuffix("/") ? String(path.dropLast()) : path
        return walker.compactMap { $0 as? String }.sorted().map { "\(directory)/\($0)" }.filter { file in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
