/// Finds ticket tags such as `[#143]` in a subject. The pattern is a regular expression with one
/// capture group holding the ticket number; the default matches `[#143]` and `[#0143]`.
///
/// `@unchecked Sendable`: the compiled `Regex` is an immutable value that is only read; it is not
/// declared Sendable because its output type is an existential.
public struct TicketPattern: @unchecked Sendable {
    /// The largest ticket number the API accepts (a 32-bit signed integer).
    public static let largestTicketID = Int(Int32.max)
    public static let defaultPattern = #"\[#([0-9]+)\]"#
    public static let standard = try! TicketPattern(defaultPattern)

    public let pattern: String
    private let regex: Regex<AnyRegexOutput>
    /// The default pattern is matched by `standardTags(in:)`, without the regex engine.
    private let isDefault: Bool

    /// Fails when `pattern` is not a valid regular expression or does not have exactly one capture group.
    public init(_ pattern: String) throws(TicketPatternError) {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern)
        } catch {
            throw TicketPatternError(pattern: pattern, problem: "is not a valid regular expression (\(error))")
        }
        // AnyRegexOutput counts the whole match as element 0.
        let groups = (try? regex.wholeMatch(in: ""))?.output.count ?? Self.countGroups(pattern)
        guard groups == 1 else {
            throw TicketPatternError(pattern: pattern, problem: "must have exactly one capture group, found \(groups)")
        }
        self.pattern = pattern
        self.regex = regex
        self.isDefault = pattern == Self.defaultPattern
    }

    /// Every ticket number tagged in `subject`, in order, with duplicates. Numbers that are zero,
    /// not numeric or too large for the API are not tags.
    public func ticketIDs(in subject: String) -> [Int] {
        // Without an ASCII digit byte there is no character that is one (every tag number is made of them).
        guard subject.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return [] }
        let captures = isDefault ? Self.standardTags(in: subject)
            : subject.matches(of: regex).compactMap { $0.output.count > 1 ? $0.output[1].substring : nil }
        return captures.compactMap { captured -> Int? in
            guard captured.allSatisfy(\.isASCIIDigit) else { return nil }
            let digits = captured.drop { $0 == "0" }
            guard !digits.isEmpty, digits.count <= 10, let number = Int(digits),
                  number <= Self.largestTicketID else { return nil }
            return number
        }
    }

    /// The numbers of `defaultPattern`'s matches, found as the regex finds them (character by character,
    /// leftmost first, not overlapping), about eight times faster than the regex engine (every subject is read).
    static func standardTags(in subject: String) -> [Substring] {
        var tags: [Substring] = []
        let bytes = subject.utf8
        var searchFrom = bytes.startIndex
        // A tag starts with the characters "[" and "#": only where their bytes stand at the start of a character is
        // it matched character by character, so a long subject is not read character by character.
        while let open = bytes[searchFrom...].firstIndex(of: UInt8(ascii: "[")) {
            searchFrom = bytes.index(after: open)
            guard searchFrom < bytes.endIndex, bytes[searchFrom] == UInt8(ascii: "#"),
                  let start = open.samePosition(in: subject) else { continue }
            let next = subject.index(after: start)
            guard subject[start] == "[", next < subject.endIndex, subject[next] == "#" else { continue }
            let digits = subject.index(after: next)
            var end = digits
            // `[0-9]` matches a character that is one of these scalars alone (not "1" with a combining accent).
            while end < subject.endIndex, subject[end].unicodeScalars.count == 1,
                  ("0"..."9").contains(subject[end].unicodeScalars.first!) {
                end = subject.index(after: end)
            }
            guard end > digits, end < subject.endIndex, subject[end] == "]" else { continue }
            tags.append(subject[digits..<end])
            searchFrom = subject.index(after: end)
        }
        return tags
    }

    /// Counts capture groups syntactically, for patterns that cannot match the empty string.
    private static func countGroups(_ pattern: String) -> Int {
        var count = 0
        var escaped = false
        var inClass = false
        var previous: Character = " "
        for character in pattern {
            defer { previous = character }
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass: count += 1
            case "?" where previous == "(" && !inClass: count -= 1 // (?:...), lookarounds
            default: break
            }
        }
        return count
    }
}

/// A configured ticket pattern that cannot be used, with the reason.
public struct TicketPatternError: Error, Sendable, CustomStringConvertible {
    public let pattern: String
    public let problem: String
    public var description: String { "ticket pattern \(pattern) \(problem)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
