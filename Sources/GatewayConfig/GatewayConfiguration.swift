import Foundation
import Yams

/// The whole notegate config file. Holds the `mailboxes:` section for now; the other sections join
/// it as their modules arrive.
public struct GatewayConfiguration: Sendable, Equatable {
    public var mailboxes: [MailboxConfig]

    public init(mailboxes: [MailboxConfig]) {
        self.mailboxes = mailboxes
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
        try file.rejectUnknownKeys(["mailboxes"])
        guard let entries = try file.sequence("mailboxes"), !entries.isEmpty else {
            throw file.error("mailboxes", "is required: list at least one mailbox")
        }
        let mailboxes = try entries.map(MailboxConfig.init(config:))
        var names = Set<String>()
        for (entry, mailbox) in zip(entries, mailboxes) where !names.insert(mailbox.name).inserted {
            throw entry.error("name", "\"\(mailbox.name)\" is used by two mailboxes; names must be unique")
        }
        return GatewayConfiguration(mailboxes: mailboxes)
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
