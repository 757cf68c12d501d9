import Logging

/// How log lines look, the `log_format` setting: `text` for a person at a terminal, `json` for a log shipper.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// Installs the process's log handler once at start-up.
public enum LoggingSetup {
    /// Makes every `Logger` write `format` to standard error at `level` and above.
    ///
    /// Call once, before the first `Logger` is made: swift-log allows one bootstrap per process.
    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in makeHandler(label: label, format: format, level: level) }
    }

    static func makeHandler(label: String, format: LogFormat, level: Logger.Level) -> any LogHandler {
        var handler = LineLogHandler(label: label, format: format)
        handler.logLevel = level
        return handler
    }
}
