import Secrets

extension MailboxConfig {
    private static let keys: Set<String> = [
        "name", "host", "port", "transport", "allow_insecure", "tls", "username", "auth",
        "password_env", "password_file", "oauth_token_file", "oauth_token_command", "folders",
        "max_message_bytes", "poll_interval_seconds", "sweep_interval_seconds", "timeout_seconds", "actions",
        "start_from", "configuration_retry_seconds", "oauth_token_command_timeout_seconds", "oauth2",
    ]

    private enum AuthMethod: String, CaseIterable {
        case login, plain, xoauth2, oauth2
    }

    init(config: ConfigNode) throws {
        try config.rejectUnknownKeys(Self.keys)
        let transport = try config.choice("transport", as: Transport.self) ?? .imaps
        let allowInsecure = try config.bool("allow_insecure") ?? false
        if transport == .plain && !allowInsecure {
            throw config.error("transport", "plain sends the password unencrypted; use imaps or starttls, "
                + "or set `allow_insecure: true` if this connection never leaves a trusted network")
        }
        self.init(
            name: try config.requiredString("name"),
            host: try config.requiredString("host"),
            port: try config.int("port", range: 1...65535),
            transport: transport,
            allowInsecure: allowInsecure,
            tls: try Self.tlsSettings(config),
            username: try config.requiredString("username"),
            authentication: try Self.authentication(config),
            oauthTokenCommandTimeoutSeconds: try config.int("oauth_token_command_timeout_seconds", range: 1...300) ?? 10,
            folders: try config.stringList("folders") ?? ["INBOX"],
            maxMessageBytes: try config.int("max_message_bytes", range: 1024...Int(Int32.max)) ?? 26_214_400,
            pollIntervalSeconds: try config.int("poll_interval_seconds", range: 1...86_400) ?? 60,
            sweepIntervalSeconds: try config.int("sweep_interval_seconds", range: 1...1_500) ?? 300,
            timeoutSeconds: try config.int("timeout_seconds", range: 1...600) ?? 30,
            actions: try Self.actions(config),
            startFrom: try Self.startFrom(config),
            configurationRetrySeconds: try config.int("configuration_retry_seconds", range: 1...86_400) ?? 900
        )
    }

    private static func tlsSettings(_ config: ConfigNode) throws -> TLSSettings {
        guard let tls = try config.mapping("tls") else { return TLSSettings() }
        try tls.rejectUnknownKeys(["verify", "ca_file"])
        return TLSSettings(verify: try tls.bool("verify") ?? true, caFile: try tls.string("ca_file"))
    }

    private static func authentication(_ config: ConfigNode) throws -> Authentication {
        let method = try config.choice("auth", as: AuthMethod.self) ?? .login
        switch method {
        case .login:
            return .login(password: try secret(config, env: "password_env", file: "password_file"))
        case .plain:
            return .plain(password: try secret(config, env: "password_env", file: "password_file"))
        case .xoauth2:
            return .xoauth2(token: try secret(config, file: "oauth_token_file", command: "oauth_token_command"))
        case .oauth2:
            return .oauth2(try oauth2Settings(config, username: try config.requiredString("username")))
        }
    }

    private static func secret(_ config: ConfigNode, env: String? = nil, file: String,
                               command: String? = nil) throws -> SecretSource {
        try config.secret(env: env, file: file, command: command, purpose: "this auth method", anchor: "auth")
    }

    private static func startFrom(_ config: ConfigNode) throws -> StartFrom {
        guard let text = try config.string("start_from") else { return .new }
        switch text {
        case "new": return .new
        case "all": return .all
        default:
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]), parts[0] > 1990 else {
                throw config.error("start_from", "expected new, all or a day like 2026-11-01, got \"\(text)\"")
            }
            return .since(year: parts[0], month: parts[1], day: parts[2])
        }
    }

    private static func actions(_ config: ConfigNode) throws -> OutcomeActions {
        var actions = OutcomeActions()
        guard let section = try config.mapping("actions") else { return actions }
        try section.rejectUnknownKeys(["posted", "skipped", "failed"])
        let outcomes: [(String, WritableKeyPath<OutcomeActions, MailboxAction>)] = [
            ("posted", \.posted), ("skipped", \.skipped), ("failed", \.failed),
        ]
        for (key, field) in outcomes {
            guard let text = try section.string(key) else { continue }
            guard let action = MailboxAction(configValue: text) else {
                throw section.error(key, "expected keep, seen, delete or move:FOLDER, got \"\(text)\"")
            }
            actions[keyPath: field] = action
        }
        return actions
    }
}
