/// One entry of a sender allowlist or denylist: an exact address (`dana@vendor.example`), a domain
/// (`vendor.example`, that domain only) or a subdomain wildcard (`*.vendor.example`, any subdomain
/// but not `vendor.example` itself; list both to cover both). Compared case-insensitively.
public struct SenderPattern: Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable {
        case address(String)
        case domain(String)
        case subdomains(of: String)
    }

    private let kind: Kind

    /// Parses a pattern as written in the configuration. Throws `InvalidSenderPattern` when it is
    /// not an address, a domain or `*.` followed by a domain.
    public init(_ text: String) throws(InvalidSenderPattern) {
        let pattern = text.trimmingWhitespace().lowercased()
        if let at = pattern.lastIndex(of: "@") {
            let local = pattern[..<at]
            let domain = pattern[pattern.index(after: at)...]
            guard !local.isEmpty, Self.isDomain(domain) else {
                throw InvalidSenderPattern(pattern: text, problem: "an address needs a local part and a domain")
            }
            kind = .address(pattern)
        } else if pattern.hasPrefix("*.") {
            let domain = pattern.dropFirst(2)
            guard Self.isDomain(domain) else {
                throw InvalidSenderPattern(pattern: text, problem: "`*.` must be followed by a domain")
            }
            kind = .subdomains(of: String(domain))
        } else {
            guard Self.isDomain(pattern[...]) else {
                throw InvalidSenderPattern(pattern: text, problem: "expected an address, a domain or *.domain")
            }
            kind = .domain(pattern)
        }
    }

    /// Whether `address` (as in a From header, any case) matches this pattern.
    public func matches(_ address: String) -> Bool {
        let address = address.lowercased()
        guard let at = address.lastIndex(of: "@") else { return false }
        let domain = address[address.index(after: at)...]
        switch kind {
        case .address(let expected): return address == expected
        case .domain(let expected): return domain == expected
        case .subdomains(let parent): return domain.hasSuffix("." + parent)
        }
    }

    public var description: String {
        switch kind {
        case .address(let address): address
        case .domain(let domain): domain
        case .subdomains(let parent): "*." + parent
        }
    }

    private static func isDomain(_ text: Substring) -> Bool {
        !text.isEmpty && !text.hasPrefix(".") && !text.hasSuffix(".") && !text.contains("..")
            && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    }
}

/// A sender pattern that cannot be used, with what is wrong: the configuration reports it with its key.
public struct InvalidSenderPattern: Error, Hashable, Sendable, CustomStringConvertible {
    public let pattern: String
    public let problem: String

    public var description: String { "sender pattern \"\(pattern)\" is not valid: \(problem)" }
}
