/// A password or token. Prints as `<redacted>` everywhere (string interpolation, `dump`, logs), so
/// that a secret never leaks through a log line or an error message; only `reveal()` gives the value.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The secret itself, for the one call that needs it (a LOGIN command, an HTTP header).
    public func reveal() -> String {
        value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
