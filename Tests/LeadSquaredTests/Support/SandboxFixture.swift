import Secrets
import AsyncHTTPClient
import Foundation
import LeadSquared
import LeadSquaredSandbox
import Logging
import NIOCore
import NIOHTTP1

/// A sandbox on 127.0.0.1 and a client configured for it, torn down together.
struct SandboxFixture {
    let sandbox: SandboxServer
    let client: LeadSquaredClient

    /// Runs `body` against a fresh sandbox and client; `sandbox` and `client` adjust their configurations.
    static func run<T>(
        sandbox configureSandbox: (inout SandboxConfiguration) -> Void = { _ in },
        client configureClient: (inout LeadSquaredClient.Configuration) -> Void = { _ in },
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (SandboxFixture) async throws -> T
    ) async throws -> T {
        var sandboxConfiguration = SandboxConfiguration()
        configureSandbox(&sandboxConfiguration)
        let sandbox = try await SandboxServer.start(sandboxConfiguration)
        var clientConfiguration = clientConfiguration(for: sandbox)
        configureClient(&clientConfiguration)
        let client = try LeadSquaredClient(configuration: clientConfiguration, logger: logger)
        do {
            let result = try await body(SandboxFixture(sandbox: sandbox, client: client))
            try await client.shutdown()
            await sandbox.stop()
            return result
        } catch {
            try? await client.shutdown()
            await sandbox.stop()
            throw error
        }
    }

    /// A client configuration with the sandbox's host, tenant and keys and a short timeout.
    static func clientConfiguration(for sandbox: SandboxServer) -> LeadSquaredClient.Configuration {
        let account = sandbox.account.configuration
        var configuration = LeadSquaredClient.Configuration(
            host: sandbox.baseURL, tenantID: account.tenantID,
            accessKey: Secret(account.accessKey), secretKey: Secret(account.secretKey)
        )
        configuration.requestTimeout = .seconds(5)
        return configuration
    }

    /// The path of the note call for the sandbox's tenant.
    var notePath: String { "/api/tenants/\(sandbox.account.configuration.tenantID)/internalnote/upload" }

    /// The headers of a well-formed note call.
    var validHeaders: HTTPHeaders {
        let account = sandbox.account.configuration
        return [
            "X-LSQ-ACCESS-KEY": account.accessKey, "X-LSQ-SECRET-KEY": account.secretKey,
            "Content-Type": "application/json",
        ]
    }

    /// Sends one request as given, bypassing the client, and returns the status and body text.
    func raw(
        _ path: String, method: HTTPMethod = .POST, headers: HTTPHeaders? = nil, body: String? = nil
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: sandbox.baseURL.absoluteString + path)
        request.method = method
        request.headers = headers ?? validHeaders
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }
}

/// Note-call bodies: the documented example, and variants of it with attributes changed or removed.
enum NoteBody {
    private static let documentedAttributes: [(name: String, json: String)] = [
        ("TextPart", #""Resolve this ticket ASAP.""#), ("ActivityType", #""CreateInternalNote""#),
        ("StorageType", #""Permament""#), ("RelatedTicketId", "143"),
    ]

    /// The example body of the documentation.
    static let documented = with([:])

    /// The documented body with each named attribute set to the given raw JSON, or removed when `nil`;
    /// names not in the documented body are added.
    static func with(_ changes: [String: String?]) -> String {
        var attributes: [(name: String, json: String)] = []
        for (name, json) in documentedAttributes {
            switch changes[name] {
            case .none: attributes.append((name, json))
            case .some(.none): break
            case .some(.some(let replacement)): attributes.append((name, replacement))
            }
        }
        for (name, json) in changes where !documentedAttributes.contains(where: { $0.name == name }) {
            if let json { attributes.append((name, json)) }
        }
        return "{" + attributes.map { #""\#($0.0)":\#($0.1)"# }.joined(separator: ",") + "}"
    }
}
