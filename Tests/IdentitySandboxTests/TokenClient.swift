import AsyncHTTPClient
import CryptoExtras
import Foundation
import IdentitySandbox

/// Plain HTTP calls to the sandbox, as any OAuth client would make them.
struct TokenClient {
    let server: IdentitySandboxServer

    struct Answer {
        let status: Int
        let fields: [String: Any]
        var accessToken: String? { fields["access_token"] as? String }
        var refreshToken: String? { fields["refresh_token"] as? String }
        var error: String? { fields["error"] as? String }
    }

    func post(_ path: String, _ form: [String: String]) async throws -> Answer {
        var request = HTTPClientRequest(url: server.baseURL.appendingPathComponent(path).absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let body = form.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")
        request.body = .bytes(Data(body.utf8))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let fields = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), fields: fields)
    }

    func token(_ form: [String: String]) async throws -> Answer { try await post("token", form) }

    func introspect(_ token: String) async throws -> [String: Any] {
        try await post("introspect", ["token": token]).fields
    }

    private static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// A Google-style service account for tests: an RSA key and the RS256 assertions it signs.
struct TestServiceAccount {
    let email = "notegate@project.iam.gserviceaccount.com"
    let key: _RSA.Signing.PrivateKey

    init() throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    var registration: IdentitySandboxConfiguration.ServiceAccount {
        .init(email: email, publicKeyPEM: key.publicKey.pemRepresentation)
    }

    func assertion(subject: String, audience: String, issuedAt: Date = Date(), signedBy signer: _RSA.Signing.PrivateKey? = nil)
        throws -> String
    {
        let header = Self.base64URL(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let iat = Int(issuedAt.timeIntervalSince1970)
        let claims: [String: Any] = ["iss": email, "sub": subject, "aud": audience,
                                     "scope": "https://mail.google.com/", "iat": iat, "exp": iat + 3600]
        let payload = Self.base64URL(try JSONSerialization.data(withJSONObject: claims))
        let signature = try (signer ?? key).signature(for: Data("\(header).\(payload)".utf8), padding: .insecurePKCS1v1_5)
        return "\(header).\(payload).\(Self.base64URL(signature.rawRepresentation))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
