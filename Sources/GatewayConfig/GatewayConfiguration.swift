import Foundation
import Yams

/// The whole notegate config file: the mailboxes to watch, the LeadSquared account, the ledger,
/// note and sender rules, and observability. See `config/notegate.example.yaml`.
public struct GatewayConfiguration: Sendable, Equatable {
    public var mailboxes: [MailboxConfig]
    /// Required by `run`, `once` and `check`; `fetch` works without it.
    public var leadSquared: LeadSquaredSettings?
    public var ledger: LedgerSettings
    public var notes: NoteSettings
    public var senders: SenderSettings
    public var observability: ObservabilitySettings

    public init(mailboxes: [MailboxConfig], leadSquared: LeadSquaredSettings? = nil, ledger: LedgerSettings = .init(),
                notes: NoteSettings = .init(), senders: SenderSettings = .init(),
                observability: ObservabilitySettings = .init()) {
        self.mailboxes = mailboxes
        self.leadSquared = leadSquared
        self.ledger = ledger
        self.notes = notes
        self.senders = senders
        self.observability = observability
    }

    /// Reads and checks the config file at `path`.
    public static func load(path: String) throws -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(keyPath: "", line: nil, problem: "cannot read \(path); check the path and its permissions")
        }
        return try parse(yaml: String(decoding: data, as: UTF8.self))
    }

    /// Reads and checks config text.
    public static func parse(yaml: String) throws -> GatewayConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(keyPath: "", line: error.line, problem: "not valid YAML: \(error)")
        }
        guard let root else {
            throw ConfigError(keyPath: "", line: nil, problem: "the file is empty; it needs a `mailboxes:` list")
        }
        let file = try ConfigNode(root, path: "")
        try file.rejectUnknownKeys(["mailboxes", "leadsquared", "ledger", "notes", "senders", "observability"])
        guard let entries = try file.sequence("mailboxes"), !entries.isEmpty else {
            throw file.error("mailboxes", "is required: list at least one mailbox")
        }
        let mailboxes = try entries.map(MailboxConfig.init(config:))
        var names = Set<String>()
        for (entry, mailbox) in zip(entries, mailboxes) where !names.insert(mailbox.name).inserted {
            throw entry.error("name", "\"\(mailbox.name)\" is used by two mailboxes; names must be unique")
        }
        let ledger = try file.mapping("ledger").map(LedgerSettings.init(config:)) ?? .init()
        return GatewayConfiguration(
            mailboxes: mailboxes.map { $0.keepingOAuthStateBeside(ledgerPath: ledger.path) },
            leadSquared: try file.mapping("leadsquared").map(LeadSquaredSettings.init(config:)),
            ledger: ledger,
            notes: try file.mapping("notes").map(NoteSettings.init(config:)) ?? .init(),
            senders: try file.mapping("senders").map(SenderSettings.init(config:)) ?? .init(),
            observability: try file.mapping("observability").map(ObservabilitySettings.init(config:)) ?? .init()
        )
    }
}

extension YamlError {
    fileprivate var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): mark.line
        default: nil
        }
    }
}
