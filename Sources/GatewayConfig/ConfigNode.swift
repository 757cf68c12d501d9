import Yams

/// A YAML mapping from the config file with the path that led to it, so that every error can name
/// the key and the line. Unknown keys are errors: a misspelt setting must not silently fall back to
/// its default.
struct ConfigNode {
    let path: String
    let node: Node
    private let entries: [String: Node]

    init(_ node: Node, path: String) throws {
        guard let mapping = node.mapping else {
            throw ConfigError(keyPath: path, line: node.mark?.line, problem: "expected a mapping of settings")
        }
        var entries: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                throw ConfigError(keyPath: path, line: key.mark?.line, problem: "setting names must be text")
            }
            entries[name] = value
        }
        self.path = path
        self.node = node
        self.entries = entries
    }

    func rejectUnknownKeys(_ known: Set<String>) throws {
        for (name, value) in entries where !known.contains(name) {
            throw error(name, value, "unknown setting; known settings here: \(known.sorted().joined(separator: ", "))")
        }
    }

    func child(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    func error(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(keyPath: child(key), line: (entries[key] ?? node).mark?.line, problem: problem)
    }

    private func error(_ key: String, _ value: Node, _ problem: String) -> ConfigError {
        ConfigError(keyPath: child(key), line: value.mark?.line, problem: problem)
    }

    func has(_ key: String) -> Bool {
        entries[key] != nil
    }

    func string(_ key: String) throws -> String? {
        guard let value = entries[key] else { return nil }
        guard let text = value.scalar?.string, !text.isEmpty else {
            throw error(key, value, "expected a non-empty text value")
        }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw error(key, "is required") }
        return text
    }

    func int(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = entries[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            throw error(key, value, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = entries[key] else { return nil }
        guard let flag = value.bool else { throw error(key, value, "expected true or false") }
        return flag
    }

    func stringList(_ key: String) throws -> [String]? {
        guard let value = entries[key] else { return nil }
        guard let items = value.sequence, !items.isEmpty else {
            throw error(key, value, "expected a non-empty list, like [INBOX]")
        }
        return try items.map { item in
            guard let text = item.scalar?.string, !text.isEmpty else {
                throw error(key, item, "expected a list of names")
            }
            return text
        }
    }

    func mapping(_ key: String) throws -> ConfigNode? {
        try entries[key].map { try ConfigNode($0, path: child(key)) }
    }

    func sequence(_ key: String) throws -> [ConfigNode]? {
        guard let value = entries[key] else { return nil }
        guard let items = value.sequence else { throw error(key, value, "expected a list") }
        return try items.enumerated().map { index, item in try ConfigNode(item, path: "\(child(key))[\(index)]") }
    }

    /// Where a secret comes from: exactly one of the given keys must be set. `anchor` is the key an
    /// error points at when none is.
    func secret(env: String? = nil, file: String, command: String? = nil, purpose: String,
                anchor: String) throws -> SecretSource {
        let candidates: [(key: String, make: (String) -> SecretSource)] = [
            env.map { ($0, SecretSource.environment) },
            (file, SecretSource.file),
            command.map { ($0, SecretSource.command) },
        ].compactMap { $0 }
        let given = candidates.filter { has($0.key) }
        let names = candidates.map { "`\($0.key)`" }.joined(separator: " or ")
        guard given.count == 1, let source = given.first else {
            let key = given.dropFirst().first?.key ?? anchor
            throw error(key, "set exactly one of \(names) for \(purpose)")
        }
        return source.make(try requiredString(source.key))
    }

    func double(_ key: String, range: ClosedRange<Double>) throws -> Double? {
        guard let value = entries[key] else { return nil }
        guard let number = value.float ?? value.int.map(Double.init), range.contains(number) else {
            throw error(key, value, "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Reads a value that must be one of a fixed set of spellings.
    func choice<Value: RawRepresentable & CaseIterable>(_ key: String, as type: Value.Type) throws -> Value?
    where Value.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(key, "expected one of \(allowed), got \"\(text)\"")
        }
        return value
    }
}
