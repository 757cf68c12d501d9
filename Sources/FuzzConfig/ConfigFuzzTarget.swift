import FuzzHarness
import GatewayConfig

/// The YAML config loader: any text either becomes a configuration or a `ConfigError` that says
/// what is wrong where.
enum ConfigFuzzTarget {
    static func run(_ input: [UInt8]) -> String {
        do {
            let configuration = try GatewayConfiguration.parse(yaml: String(decoding: input, as: UTF8.self))
            return "valid: \(configuration.mailboxes.count) mailboxes"
        } catch {
            return "refused: \(String(describing: error).prefix(200))"
        }
    }
}

@main
enum ConfigFuzzer {
    static func main() { FuzzEntry.main(ConfigFuzzTarget.run) }
}
