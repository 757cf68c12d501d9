import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// The provider's token endpoint (RFC 6749 section 3.2), and its device authorization endpoint (RFC 8628), spoken
/// over HTTPS with TLS 1.2 or later and the certificate verified; plain HTTP only when `allowInsecure`.
public struct TokenEndpoint: Sendable {
    /// A successful token answer.
    public struct Tokens: Sendable {
        public let accessToken: String
        /// Seconds the access token is valid, when the provider says (default taken as an hour).
        public let expiresIn: Int
        /// A new refresh token, when the provider issued or rotated one.
        public let refreshToken: String?
    }

    public let url: String
    private let allowInsecure: Bool

    public init(url: String, allowInsecure: Bool) {
        self.url = url
        self.allowInsecure = allowInsecure
    }

    /// One HTTP client for every token request of the process, like the connections a browser keeps.
    private static let http: HTTPClient = {
        var settings = HTTPClient.Configuration()
        settings.timeout = .init(connect: .seconds(10), read: .seconds(30))
        settings.redirectConfiguration = .disallow
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        settings.tlsConfiguration = tls
        settings.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }()

    /// Posts `form` to the token endpoint and reads the tokens, or the provider's refusal.
    public func requestTokens(_ form: [String: String]) async throws(OAuthError) -> Tokens {
        let fields = try await post(form, to: url)
        guard let access = fields["access_token"] as? String, !access.isEmpty else {
            throw OAuthError(.unavailable, "the token endpoint \(url) answered without an access_token")
        }
        let expiresIn = (fields["expires_in"] as? NSNumber)?.intValue
            ?? (fields["expires_in"] as? String).flatMap(Int.init) ?? 3600
        return Tokens(accessToken: access, expiresIn: max(1, expiresIn),
                      refreshToken: (fields["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Posts `form` to `target` (this endpoint or the device authorization endpoint) and returns the JSON fields
    /// of a 200 answer; a 4xx with an RFC 6749 `error` is `.refused`, anything else `.unavailable`.
    public func post(_ form: [String: String], to target: String) async throws(OAuthError) -> [String: Any] {
        guard target.hasPrefix("https://") || (allowInsecure && target.hasPrefix("http://")) else {
            throw OAuthError(.misconfigured, "refusing to send OAuth credentials to \(target) without TLS; use an "
                + "https:// URL (http:// only with `allow_insecure: true` for a local test identity provider)")
        }
        var request = HTTPClientRequest(url: target)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.formEncoded(form)))
        let status: UInt
        let body: ByteBuffer
        do {
            let response = try await Self.http.execute(request, timeout: .seconds(30))
            status = response.status.code
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw OAuthError(.unavailable, "cannot reach the token endpoint \(target) (\(error)); "
                + "notegate tries again with backoff")
        }
        let fields = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        if status == 200 { return fields }
        if (400..<500).contains(status), let code = fields["error"] as? String {
            let detail = (fields["error_description"] as? String).map { ": \(Self.firstLine($0))" } ?? ""
            throw OAuthError(.refused(code: code), "\(target) refused the request with \(code)\(detail)")
        }
        throw OAuthError(.unavailable, "the token endpoint \(target) answered HTTP \(status); "
            + "notegate tries again with backoff")
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(whereSeparator: \.isNewline).first ?? "").prefix(300).description
    }

    static func formEncoded(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }
}
