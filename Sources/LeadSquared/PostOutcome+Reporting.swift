import Logging

extension PostOutcome {
    /// The cases of ``PostOutcome`` without their values, for counting and logging.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case posted, rateLimited, transient, uncertain, rejected, configuration
    }

    /// Which case this is.
    public var kind: Kind {
        switch self {
        case .posted: .posted
        case .rateLimited: .rateLimited
        case .transient: .transient
        case .uncertain: .uncertain
        case .rejected: .rejected
        case .configuration: .configuration
        }
    }

    /// What happened and what to do, for every outcome but `posted` and `rateLimited`: the text to keep with
    /// a dead-lettered note or to show a person.
    public var reason: String? {
        switch self {
        case .posted, .rateLimited: nil
        case .transient(let reason), .uncertain(let reason), .rejected(let reason), .configuration(let reason):
            reason
        }
    }

    /// How loudly the client logs it: a person should hear about uncertainty and configuration faults.
    var logLevel: Logger.Level {
        switch self {
        case .posted, .rateLimited, .transient: .debug
        case .rejected: .notice
        case .uncertain, .configuration: .warning
        }
    }

    /// The outcome's kind, and its reason when it has one, for the client's log line.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["outcome": "\(kind.rawValue)"]
        metadata["reason"] = reason.map { "\($0)" }
        return metadata
    }

    /// The same outcome with any key that a server message echoed blotted out.
    func redacted(by configuration: LeadSquaredClient.Configuration) -> Self {
        switch self {
        case .posted(var receipt):
            receipt.message = configuration.redacting(receipt.message)
            return .posted(receipt)
        case .rateLimited:
            return self
        case .transient(let reason): return .transient(reason: configuration.redacting(reason))
        case .uncertain(let reason): return .uncertain(reason: configuration.redacting(reason))
        case .rejected(let reason): return .rejected(reason: configuration.redacting(reason))
        case .configuration(let reason): return .configuration(reason: configuration.redacting(reason))
        }
    }
}
