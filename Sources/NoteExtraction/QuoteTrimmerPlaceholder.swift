// Placeholder until the quote trimmer lands; removed at merge.
public struct QuoteTrimmer: Sendable {
    public init() {}
    public func trim(_ text: String) -> String { text }
}
