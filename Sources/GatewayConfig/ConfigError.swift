/// The config file is wrong. Names the offending key (as a path like `mailboxes[0].transport`) and
/// the line, and says what is expected.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the key, `mailboxes[1].tls.ca_file`; empty for the whole file.
    public let keyPath: String
    /// 1-based line in the file, when known.
    public let line: Int?
    /// What is wrong and what is expected.
    public let problem: String

    public init(keyPath: String, line: Int?, problem: String) {
        self.keyPath = keyPath
        self.line = line
        self.problem = problem
    }

    public var description: String {
        let place = line.map { "line \($0): " } ?? ""
        let key = keyPath.isEmpty ? "" : "`\(keyPath)`: "
        return "config \(place)\(key)\(problem)"
    }
}
