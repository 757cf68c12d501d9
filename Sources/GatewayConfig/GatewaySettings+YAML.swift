extension LeadSquaredSettings {
    init(config: ConfigNode) throws {
        try config.rejectUnknownKeys([
            "host", "tenant_id", "access_key_env", "access_key_file", "secret_key_env", "secret_key_file",
            "rate_limit_calls", "rate_limit_seconds", "timeout_seconds", "max_attempts", "retry_base_seconds",
            "retry_cap_seconds", "concurrency", "configuration_retry_seconds", "check_ticket_id", "allow_insecure",
        ])
        let host = try config.requiredString("host")
        let allowInsecure = try config.bool("allow_insecure") ?? false
        guard host.hasPrefix("https://") || (allowInsecure && host.hasPrefix("http://")) else {
            throw config.error("host", "expected an https:// URL like https://apigw.service-in.leadsquared.com"
                + " (http:// only with `allow_insecure: true`, for a local sandbox)")
        }
        self.init(
            host: host,
            tenantID: try config.requiredString("tenant_id"),
            accessKey: try config.secret(env: "access_key_env", file: "access_key_file",
                                         purpose: "the LeadSquared access key", anchor: "access_key_env"),
            secretKey: try config.secret(env: "secret_key_env", file: "secret_key_file",
                                         purpose: "the LeadSquared secret key", anchor: "secret_key_env"),
            rateLimitCalls: try config.int("rate_limit_calls", range: 1...10_000) ?? 25,
            rateLimitSeconds: try config.int("rate_limit_seconds", range: 1...3_600) ?? 5,
            timeoutSeconds: try config.int("timeout_seconds", range: 1...600) ?? 30,
            maxAttempts: try config.int("max_attempts", range: 1...100) ?? 8,
            retryBaseSeconds: try config.int("retry_base_seconds", range: 1...3_600) ?? 2,
            retryCapSeconds: try config.int("retry_cap_seconds", range: 1...86_400) ?? 300,
            concurrency: try config.int("concurrency", range: 1...64) ?? 4,
            configurationRetrySeconds: try config.int("configuration_retry_seconds", range: 1...86_400) ?? 180,
            checkTicketID: try config.int("check_ticket_id", range: 1...Int(Int32.max)),
            allowInsecure: allowInsecure
        )
    }
}

extension LedgerSettings {
    init(config: ConfigNode) throws {
        try config.rejectUnknownKeys(["path", "on_uncertain", "url", "pool_size", "instance"])
        self.init(path: try config.string("path") ?? "notegate-ledger.sqlite",
                  onUncertain: try config.choice("on_uncertain", as: OnUncertain.self) ?? .repost,
                  url: try config.string("url"),
                  poolSize: try config.int("pool_size", range: 1...1_000) ?? 4,
                  instance: try config.string("instance"))
    }
}

extension NoteSettings {
    init(config: ConfigNode) throws {
        try config.rejectUnknownKeys(["ticket_pattern", "max_note_bytes", "gateway_addresses"])
        self.init(ticketPattern: try config.string("ticket_pattern"),
                  maxNoteBytes: try config.int("max_note_bytes", range: 1_024...1_048_576) ?? 65_536,
                  gatewayAddresses: try config.stringList("gateway_addresses") ?? [])
    }
}

extension SenderSettings {
    init(config: ConfigNode) throws {
        try config.rejectUnknownKeys(["allow", "deny", "require_dmarc_pass", "trusted_authserv_id"])
        let requireDMARC = try config.bool("require_dmarc_pass") ?? false
        let authserv = try config.string("trusted_authserv_id")
        if requireDMARC && authserv == nil {
            throw config.error("trusted_authserv_id", "is required with `require_dmarc_pass: true`: the host name "
                + "your receiving mail server writes in Authentication-Results, like mx.support.example")
        }
        self.init(allow: try config.stringList("allow") ?? [], deny: try config.stringList("deny") ?? [],
                  requireDMARCPass: requireDMARC, trustedAuthservID: authserv)
    }
}

extension ObservabilitySettings {
    private static let levels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    init(config: ConfigNode) throws {
        try config.rejectUnknownKeys([
            "listen", "log_format", "log_level", "mailbox_unreachable_seconds", "token_expiry_warning_seconds",
        ])
        let level = try config.string("log_level") ?? "info"
        guard Self.levels.contains(level) else {
            throw config.error("log_level", "expected one of \(Self.levels.sorted().joined(separator: ", "))")
        }
        var listen: String? = try config.string("listen") ?? "127.0.0.1:9464"
        if listen == "off" {
            listen = nil
        } else if let address = listen, !address.contains(":") {
            throw config.error("listen", "expected host:port, like 127.0.0.1:9464, or off")
        }
        self.init(listen: listen, logFormat: try config.choice("log_format", as: LogFormat.self) ?? .text,
                  logLevel: level,
                  mailboxUnreachableSeconds: try config.int("mailbox_unreachable_seconds", range: 1...604_800) ?? 600,
                  tokenExpiryWarningSeconds: try config.int("token_expiry_warning_seconds", range: 1...86_400) ?? 900)
    }
}
