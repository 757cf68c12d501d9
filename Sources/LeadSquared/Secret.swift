/// A credential that never shows itself: printing, interpolating, dumping or logging it yields
/// `<redacted>`. Only ``reveal()`` hands out the value, and only the request builder calls it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, ExpressibleByStringLiteral
{
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    public init(stringLiteral value: String) {
        self.value = value
    }

    /// The credential itself, for an HTTP header and nothing else.
    public func reveal() -> String { value }

    /// Whether the credential is empty, which a configuration check may report without revealing it.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
