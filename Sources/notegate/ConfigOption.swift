import ArgumentParser
import GatewayConfig

/// `--config FILE`, shared by every command that reads the config file.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The config file (YAML); see config/notegate.example.yaml.")
    var config: String

    func load() throws -> GatewayConfiguration {
        do {
            return try GatewayConfiguration.load(path: config)
        } catch let error as ConfigError {
            throw ValidationError("\(config): \(error)")
        }
    }
}
