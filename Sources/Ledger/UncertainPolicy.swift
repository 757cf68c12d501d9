/// What start-up does with posts the previous process left in flight (`on_uncertain` in the config).
public enum UncertainPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Queue them again (`pending`), counting a possible duplicate in `uncertainReposts`: a support team
    /// would rather delete a rare duplicate note than miss one.
    case repost
    /// Leave them `uncertain` for an operator to check the ticket and `retry` or `forget`.
    case hold
}
