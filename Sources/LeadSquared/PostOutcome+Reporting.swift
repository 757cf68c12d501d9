import Logging

extension PostOutcome {
    /// The outcome's name, for log metadata and counting.
    public var kind: String {
        switch self {
        case .posted: "posted"
        case .rateLimited: "rateLimited"
        case .transient: "transient"
        case .uncertain: "uncertain"
        case .rejected: "rejected"
        case .configuration: "configuration"
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
        switch self {
        case .posted, .rateLimited:
            ["outcome": "\(kind)"]
        case .transient(let reason), .uncertain(let reason), .rejected(let reason), .configuration(let reason):
            ["outcome": "\(kind)", "reason": "\(reason)"]
        }
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
