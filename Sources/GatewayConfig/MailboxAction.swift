/// What happens to a message on the server after the pipeline has handled it.
public enum MailboxAction: Sendable, Equatable, CustomStringConvertible {
    /// Leave it as it is.
    case keep
    /// Set the \Seen flag.
    case seen
    /// Move it to a folder, created when missing.
    case move(folder: String)
    /// Delete it (\Deleted and expunge).
    case delete

    /// Reads the config file spelling: `keep`, `seen`, `delete` or `move:FOLDER`.
    public init?(configValue: String) {
        switch configValue {
        case "keep": self = .keep
        case "seen": self = .seen
        case "delete": self = .delete
        default:
            guard configValue.hasPrefix("move:"), configValue.count > 5 else { return nil }
            self = .move(folder: String(configValue.dropFirst(5)))
        }
    }

    public var description: String {
        switch self {
        case .keep: "keep"
        case .seen: "seen"
        case .delete: "delete"
        case .move(let folder): "move:\(folder)"
        }
    }
}
