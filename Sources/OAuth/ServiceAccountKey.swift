import CryptoExtras
import Foundation

/// A Google service account's JSON key file, and the RFC 7523 assertions it signs (RS256).
public struct ServiceAccountKey: Sendable {
    public let clientEmail: String
    private let privateKey: _RSA.Signing.PrivateKey

    private struct File: Decodable {
        let client_email: String
        let private_key: String
    }

    /// Reads `path`; the error names the file and what is wrong, never the key.
    public init(path: String) throws(OAuthError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OAuthError(.misconfigured, "cannot read the service account key file \(path); check the path "
                + "and that notegate's user may read it")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data) else {
            throw OAuthError(.misconfigured, "\(path) is not a service account key file (JSON with client_email "
                + "and private_key); download a JSON key for the service account")
        }
        guard let key = try? _RSA.Signing.PrivateKey(pemRepresentation: file.private_key) else {
            throw OAuthError(.misconfigured, "the private_key in \(path) is not an RSA key in PEM form")
        }
        clientEmail = file.client_email
        privateKey = key
    }

    public init(clientEmail: String, privateKey: _RSA.Signing.PrivateKey) {
        self.clientEmail = clientEmail
        self.privateKey = privateKey
    }

    /// A signed assertion asking `audience` (the token URL) for a token to act as `subject`, valid for an hour.
    public func assertion(subject: String, scope: String, audience: String, now: Date = Date()) throws -> String {
        let header = Self.base64URL(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let iat = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = ["iss": clientEmail, "sub": subject, "scope": scope, "aud": audience,
                                     "iat": iat, "exp": iat + 3600]
        let payload = Self.base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try privateKey.signature(for: Data("\(header).\(payload)".utf8), padding: .insecurePKCS1v1_5)
        return "\(header).\(payload).\(Self.base64URL(signature.rawRepresentation))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
