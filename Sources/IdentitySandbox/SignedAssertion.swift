import CryptoExtras
import Foundation

/// An RFC 7523 JWT bearer assertion, checked as Google checks a service account's: RS256, signed with the
/// key of the service account named in `iss`, for this token endpoint (`aud`), not expired.
struct SignedAssertion {
    /// The service account that signed it.
    let issuer: String
    /// The user it asks to act as.
    let subject: String
    let scope: String

    private struct Header: Decodable { let alg: String }
    private struct Claims: Decodable {
        let iss: String
        let sub: String?
        let aud: String
        let scope: String?
        let iat: Double
        let exp: Double
    }

    init(_ assertion: String, audience: String, keys: [String: String], now: Date) throws(TokenGrantError) {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(parts[0]), let claimBytes = Self.base64URL(parts[1]),
              let signature = Self.base64URL(parts[2])
        else { throw .invalidGrant("the assertion is not a JWT (three base64url parts)") }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerBytes), header.alg == "RS256" else {
            throw .invalidGrant("the assertion must be signed with RS256")
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: claimBytes) else {
            throw .invalidGrant("the assertion lacks iss, aud, iat or exp")
        }
        guard let pem = keys[claims.iss], let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) else {
            throw .invalidClient("no service account \(claims.iss)")
        }
        let signed = Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8)
        guard key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: signed,
                                   padding: .insecurePKCS1v1_5)
        else { throw .invalidGrant("invalid JWT signature") }
        guard claims.aud == audience else { throw .invalidGrant("the assertion's aud must be \(audience)") }
        let seconds = now.timeIntervalSince1970
        guard claims.exp > seconds, claims.iat <= seconds + 60, claims.exp - claims.iat <= 3600 else {
            throw .invalidGrant("the assertion has expired or lasts longer than an hour")
        }
        guard let subject = claims.sub, !subject.isEmpty else {
            throw .unauthorizedClient("the assertion names no user (sub) to act as")
        }
        issuer = claims.iss
        self.subject = subject
        scope = claims.scope ?? ""
    }

    private static func base64URL(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
