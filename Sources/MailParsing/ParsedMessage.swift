/// A message parsed from RFC 5322 bytes.
public struct ParsedMessage: Sendable {
    public init() {}
}
