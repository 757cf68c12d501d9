import Foundation

/// The seccomp filter a systemd unit asks for with `SystemCallFilter=` and `SystemCallErrorNumber=`, read the way
/// systemd 252 reads them: the first line decides whether the list allows (and then takes in `@default`) or denies;
/// on an allow list a `~` line takes calls out, on a deny list a plain line does; groups are expanded by
/// `systemd-analyze syscall-filter`, so the test uses the groups of the systemd that would run the unit.
struct UnitSystemCallFilter {
    enum Mode: String { case allow, deny }

    var mode: Mode
    var names: Set<String>
    /// The errno a refused call gets (`SystemCallErrorNumber=`), or nil: the process is killed with SIGSYS.
    var errorNumber: Int32?

    static let analyzer = "/usr/bin/systemd-analyze"

    /// The filter of the unit file at `path`.
    init(unit path: URL) throws {
        var mode: Mode?
        var names: Set<String> = []
        var errorNumber: Int32?
        var groups: [String: [String]] = [:]
        for rawLine in try String(contentsOf: path, encoding: .utf8).split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("SystemCallErrorNumber=") {
                let value = String(line.dropFirst("SystemCallErrorNumber=".count))
                guard let number = Self.errorNumbers[value] else {
                    throw UnitFilterError("SystemCallErrorNumber=\(value): add it to UnitSystemCallFilter.errorNumbers")
                }
                errorNumber = number
                continue
            }
            guard line.hasPrefix("SystemCallFilter=") else { continue }
            var value = String(line.dropFirst("SystemCallFilter=".count))
            if value.isEmpty {
                mode = nil
                names = []
                continue
            }
            let inverted = value.hasPrefix("~")
            if inverted { value.removeFirst() }
            if mode == nil {
                mode = inverted ? .deny : .allow
                if !inverted { names = Set(try Self.expand("@default", cache: &groups)) }
            }
            let adds = inverted == (mode == .deny)
            for word in value.split(separator: " ") {
                // `name:errno` gives one call its own errno; this helper has one errno for all, so refuse it.
                guard !word.contains(":") else { throw UnitFilterError("per-call errno \(word) is not supported here") }
                let expanded = word.hasPrefix("@") ? try Self.expand(String(word), cache: &groups) : [String(word)]
                if adds { names.formUnion(expanded) } else { names.subtract(expanded) }
            }
        }
        guard let mode else { throw UnitFilterError("\(path.path) has no SystemCallFilter= line") }
        self.mode = mode
        self.names = names
        self.errorNumber = errorNumber
    }

    /// The calls in `group`, its nested groups expanded, as `systemd-analyze syscall-filter` lists them.
    static func expand(_ group: String, cache: inout [String: [String]]) throws -> [String] {
        if let known = cache[group] { return known }
        let output = try run(analyzer, ["syscall-filter", group])
        var names: [String] = []
        for line in output.split(separator: "\n").dropFirst() {
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty || entry.hasPrefix("#") { continue }
            names += entry.hasPrefix("@") ? try expand(entry, cache: &cache) : [entry]
        }
        guard !names.isEmpty else { throw UnitFilterError("systemd-analyze syscall-filter \(group) listed no calls") }
        cache[group] = names
        return names
    }

    static let errorNumbers: [String: Int32] = ["EPERM": EPERM, "EACCES": EACCES, "ENOSYS": ENOSYS]

    /// Runs `executable` and returns its standard output; throws with its error output when it fails.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes drained before waiting; the outputs here are small, so reading one then the other cannot stall.
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw UnitFilterError("\(executable) \(arguments.joined(separator: " ")) exited with "
                + "\(process.terminationStatus): \(problems)")
        }
        return text
    }
}

/// `scripts/seccomp-exec.c`, compiled once per test run: runs a program as `nobody` (when the tests run as root;
/// as the current, unprivileged user otherwise) under a `UnitSystemCallFilter`, as systemd starts `ExecStart=`.
enum SeccompExec {
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/seccomp-exec.c")

    /// The compiled helper; compiled on first use.
    static let helper: Result<URL, UnitFilterError> = {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("notegate-seccomp-\(UUID().uuidString.prefix(8))")
        let binary = folder.appendingPathComponent("seccomp-exec")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            _ = try UnitSystemCallFilter.run("/usr/bin/cc", ["-O2", "-o", binary.path, source.path, "-lseccomp"])
            return .success(binary)
        } catch {
            return .failure(UnitFilterError("cannot compile \(source.path) (`make deps` installs libseccomp-dev): \(error)"))
        }
    }()

    /// The user the sandboxed program runs as.
    static var user: String { getuid() == 0 ? "nobody" : String(cString: getpwuid(getuid()).pointee.pw_name) }

    /// A process that will run `arguments` (the program first) under `filter`; written to `listFile` first.
    static func process(_ arguments: [String], filter: UnitSystemCallFilter, listFile: URL) throws -> Process {
        let helper = try helper.get()
        try filter.names.sorted().joined(separator: "\n").write(to: listFile, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = helper
        process.arguments = [user, filter.mode.rawValue, filter.errorNumber.map(String.init) ?? "kill", listFile.path,
                             "--"] + arguments
        return process
    }

    /// Gives `path` to the sandboxed user, so the program can read and write it as a `DynamicUser=` would its own.
    static func handOver(_ path: URL) throws {
        guard getuid() == 0, let account = getpwnam("nobody") else { return }
        guard chown(path.path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw UnitFilterError("cannot chown \(path.path) to nobody: errno \(errno)")
        }
    }
}

struct UnitFilterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
