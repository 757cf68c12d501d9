import DovecotHarness
import Foundation
import Glibc

/// The `make bench-ingest` mailbox: every fixture and, where present, every message of `../shared/corpus`,
/// repeated to `count`, each with a fresh Message-ID and a ticket tag of its own; every 25th message instead
/// a short reply carrying an attachment of 0.17 to 0.87 MB (base64). Kept as bytes: corpus messages are not all UTF-8.
struct BenchMailbox {
    let count: Int
    private let samples: [[UInt8]]
    let fixtureCount: Int
    let corpusCount: Int
    private(set) var totalBytes = 0
    private(set) var attachmentCount = 0
    /// Headers plus text parts of every message, as `benchmarks/text-bytes.py` counts them: what a gateway
    /// needs to read at the least.
    private(set) var textBytes = 0

    init(packageRoot: URL, count: Int) throws {
        self.count = count
        // The peer's Python email package raises on these two, which would end its run.
        let refused = ["nesting-5000-levels.eml", "charset-unknown-name.eml"]
        let fixtures = try Self.messages(in: packageRoot.appendingPathComponent("fixtures")) { !refused.contains($0) }
        let corpusRoot = URL(fileURLWithPath: ProcessInfo.processInfo.environment["NOTEGATE_CORPUS_DIR"]
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path)
        var corpus: [[UInt8]] = []
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: corpusRoot.path).sorted()) ?? [] {
            corpus += (try? Self.messages(in: corpusRoot.appendingPathComponent(folder)) { _ in true }) ?? []
        }
        samples = fixtures + corpus
        fixtureCount = fixtures.count
        corpusCount = corpus.count
    }

    private static func messages(in folder: URL, where keep: (String) -> Bool) throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".eml") && keep($0) }
            .sorted().map { Array(try Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    func message(_ index: Int) -> [UInt8] {
        if index % 25 == 7 { return withAttachment(index) }
        var lines = Self.lines(samples[index % samples.count])
        let headerEnd = lines.firstIndex { $0.isEmpty } ?? lines.count
        let tag = Array("[#\(index + 1)] ".utf8)
        if let subject = lines[..<headerEnd].firstIndex(where: { Self.starts($0, with: "subject:") }) {
            var line = lines[subject]
            let start = line.index(line.startIndex, offsetBy: 8)
            let valueStart = line[start...].firstIndex { $0 != 32 && $0 != 9 } ?? line.endIndex
            line.insert(contentsOf: tag, at: valueStart)
            lines[subject] = line
        } else {
            lines.insert(Array("Subject: ".utf8) + tag, at: 0)
        }
        if let id = lines[..<headerEnd].firstIndex(where: { Self.starts($0, with: "message-id:") }),
           let open = lines[id].firstIndex(of: UInt8(ascii: "<")) {
            lines[id].insert(contentsOf: Array("bench\(index)-".utf8), at: open + 1)
        } else {
            lines.insert(Array("Message-ID: <bench\(index)@bench.invalid>".utf8), at: 0)
        }
        return Array(lines.joined(separator: [10])) + [10]
    }

    private func withAttachment(_ index: Int) -> [UInt8] {
        let size = 128 * 1024 + (index * 7919) % (512 * 1024)
        var text = """
        From: Dana Customer <dana@example.com>
        To: support@example.com
        Subject: [#\(index + 1)] Logs from this morning's outage
        Message-ID: <bench\(index)-attachment@example.com>
        Date: Mon, 16 Nov 2026 09:\(String(format: "%02d", index % 60)):00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="bench-boundary"

        --bench-boundary
        Content-Type: text/plain; charset=utf-8

        Hello, the export failed again at 09:12. The full log is attached; the error starts near the end.

        Dana

        --bench-boundary
        Content-Type: application/octet-stream; name="export-\(index).log.gz"
        Content-Disposition: attachment; filename="export-\(index).log.gz"
        Content-Transfer-Encoding: base64


        """
        var state = UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
        var raw = [UInt8](repeating: 0, count: size)
        for offset in raw.indices {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            raw[offset] = UInt8(truncatingIfNeeded: state)
        }
        let encoded = Data(raw).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        text += encoded + "\n--bench-boundary--\n"
        return Array(text.utf8)
    }

    private static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? Array(line.dropLast()) : Array(line)
        }.dropLastIfEmpty()
    }

    private static func starts(_ line: [UInt8], with prefix: String) -> Bool {
        line.count >= prefix.utf8.count && zip(line, prefix.utf8).allSatisfy { a, b in a | 0x20 == b | 0x20 }
    }

    /// Writes the messages straight into the Dovecot's Maildir (thousands in seconds), then counts headers
    /// and text parts with `benchmarks/text-bytes.py`.
    mutating func deliver(to dovecot: DovecotServer, packageRoot: URL) throws {
        let maildir = dovecot.directory.appendingPathComponent("mail").appendingPathComponent(dovecot.user)
        let owner = getpwnam("dovecot").pointee
        for sub in ["", "cur", "new", "tmp"] {
            let path = maildir.appendingPathComponent(sub).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            chown(path, owner.pw_uid, owner.pw_gid)
        }
        for index in 0..<count {
            let path = maildir.appendingPathComponent("new/\(1_700_000_000 + index).bench\(index).localhost").path
            let bytes = message(index)
            if index % 25 == 7 { attachmentCount += 1 }
            totalBytes += bytes.count
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw BenchFailed("could not write \(path)")
            }
            chown(path, owner.pw_uid, owner.pw_gid)
        }
        let script = packageRoot.appendingPathComponent("benchmarks/text-bytes.py").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("bench-text-bytes-\(getpid())").path
        defer { unlink(output) }
        let child = try ChildRun.start("/usr/bin/env", ["python3", script, maildir.appendingPathComponent("new").path],
                                       output: output)
        var status: Int32 = 0
        waitpid(child.pid, &status, 0)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0, let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchFailed("benchmarks/text-bytes.py failed: \(text)")
        }
        textBytes = bytes
    }
}

extension Array where Element == [UInt8] {
    fileprivate func dropLastIfEmpty() -> [[UInt8]] { last?.isEmpty == true ? Array(dropLast()) : self }
}
