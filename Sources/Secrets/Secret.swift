/// A password, token or API key. Prints as `<redacted>` everywhere (string interpolation, `dump`,
/// logs), so a secret never leaks through a log line or an error message; only `reveal()` gives
/// the value, to the one call that needs it (a LOGIN command, an HTTP header).
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    public init(stringLiteral value: String) {
        self.value = value
    }

    /// The secret itself.
    public func reveal() -> String {
        value
    }

    /// Whether the secret is empty, which a configuration check may report without revealing it.
    public var isEmpty: Bool { value.isEmpty }

    /// What a secret prints as, and what stands in for one blotted out of a message.
    public static let redacted = "<redacted>"

    public var description: String { Self.redacted }
    public var debugDescription: String { Self.redacted }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
