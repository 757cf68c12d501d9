import MailParsing

/// One `Authentication-Results` header (RFC 8601): the server that wrote it (its authserv-id) and the
/// result of each method it ran, such as `dmarc=pass`. Comments are dropped; names and results are
/// lower-cased.
struct AuthenticationResults {
    var authservID: String
    var results: [(method: String, result: String)]

    /// Parses a header value; nil when it does not even name an authserv-id.
    init?(_ value: String) {
        let segments = Self.segments(of: value)
        // The first segment is `authserv-id [version]`.
        guard let authservID = segments.first?.split(whereSeparator: \.isWhitespace).first else { return nil }
        self.authservID = authservID.lowercased()
        results = segments.dropFirst().compactMap { segment in
            // `method[/version] = result [property=value ...]`; a bare `none` has no `=`.
            guard let equals = segment.firstIndex(of: "=") else { return nil }
            let method = segment[..<equals].split(separator: "/").first?.trimmingWhitespace() ?? ""
            guard let result = segment[segment.index(after: equals)...].split(whereSeparator: \.isWhitespace).first,
                  !method.isEmpty
            else { return nil }
            return (method.lowercased(), result.lowercased())
        }
    }

    /// The value without comments, split at the semicolons outside quoted strings.
    private static func segments(of value: String) -> [String] {
        var segments = [""]
        var commentDepth = 0
        var quoted = false
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
                if commentDepth == 0 { segments[segments.count - 1].append(character) }
                continue
            }
            switch character {
            case "\\" where quoted || commentDepth > 0:
                escaped = true
            case "(" where !quoted:
                commentDepth += 1
            case ")" where !quoted && commentDepth > 0:
                commentDepth -= 1
                if commentDepth == 0 { segments[segments.count - 1].append(" ") }
            case _ where commentDepth > 0:
                break
            case "\"":
                quoted.toggle()
                segments[segments.count - 1].append(character)
            case ";" where !quoted:
                segments.append("")
            default:
                segments[segments.count - 1].append(character)
            }
        }
        return segments.map { $0.trimmingWhitespace() }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}

extension DMARCRequirement {
    /// Why `headers` do not show a DMARC pass recorded by the trusted server, or nil when they do.
    ///
    /// Only headers whose authserv-id is the trusted one count: anyone upstream, the sender included,
    /// can write the others. Of those, the topmost decides, because each server prepends its own and
    /// a forged copy further down would otherwise be believed.
    func failure(in headers: HeaderFields) -> String? {
        let trusted = trustedAuthservID.lowercased()
        let recorded = headers.all("Authentication-Results").compactMap { AuthenticationResults($0.decodedValue) }
        guard let results = recorded.first(where: { $0.authservID == trusted }) else {
            let others = recorded.map(\.authservID)
            return "no Authentication-Results header from \(trustedAuthservID)"
                + (others.isEmpty ? "" : " (only from untrusted " + others.joined(separator: ", ") + ")")
        }
        let dmarc = results.results.filter { $0.method == "dmarc" }.map(\.result)
        guard !dmarc.isEmpty else { return "\(trustedAuthservID) recorded no DMARC result" }
        guard let failed = dmarc.first(where: { $0 != "pass" }) else { return nil }
        return "\(trustedAuthservID) recorded dmarc=\(failed)"
    }
}
