import Foundation
import Hummingbird
import NIOCore

/// The sandbox's endpoints: `POST /token`, `POST /devicecode`, `POST /introspect` (RFC 7662, as Dovecot's oauth2
/// passdb calls it with `introspection_mode = post`), and steering calls under `/sandbox/`.
struct IdentityResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let directory: IdentityDirectory

    func respond(to request: Request, context: Context) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 1 << 16)
        let form = FormBody(String(buffer: buffer))
        let base = "http://\(request.head.authority ?? "127.0.0.1")"
        switch (request.method, request.uri.path) {
        case (.post, "/token"):
            if await directory.tokenEndpointDown {
                return Self.json(["error": "temporarily_unavailable",
                                  "error_description": "the token service is down (sandbox fault)"], status: .serviceUnavailable)
            }
            do {
                return Self.json(try await directory.token(form, audience: base + "/token"))
            } catch {
                return Self.refusal(error)
            }
        case (.post, "/devicecode"):
            do {
                return Self.json(try await directory.authorizeDevice(form, verificationURI: base + "/device"))
            } catch {
                return Self.refusal(error)
            }
        case (.post, "/introspect"):
            guard let token = form["token"], let grant = await directory.introspect(token) else {
                return Self.json(["active": false])
            }
            return Self.json(Introspection(grant))
        case (.get, "/device"):
            return Self.text(.ok, "Sandbox sign-in: POST /sandbox/approve with user_code=CODE&username=USER.\n")
        case (.post, "/sandbox/approve"):
            guard let code = form["user_code"], let user = form["username"],
                  await directory.approve(userCode: code, as: user)
            else { return Self.text(.notFound, "no pending device authorization with that user_code\n") }
            return Self.text(.ok, "approved\n")
        case (.post, "/sandbox/revoke"):
            guard let user = form["username"] else { return Self.text(.badRequest, "username is missing\n") }
            return Self.text(.ok, "revoked \(await directory.revokeRefreshTokens(of: user)) refresh token(s)\n")
        case (.post, "/sandbox/expire"):
            await directory.expireAccessTokens()
            return Self.text(.ok, "every access token expired\n")
        case (.put, "/sandbox/token-endpoint"):
            let down = String(buffer: buffer).trimmingCharacters(in: .whitespacesAndNewlines) == "down"
            await directory.setTokenEndpointDown(down)
            return Self.text(.ok, down ? "token endpoint down\n" : "token endpoint up\n")
        default:
            return Self.text(.notFound, "no such endpoint; see POST /token, /devicecode, /introspect\n")
        }
    }

    /// RFC 7662 section 2.2 fields, with `username` as Dovecot's `username_attribute` reads it.
    private struct Introspection: Encodable {
        let active = true
        let username: String
        let sub: String
        let clientID: String
        let scope: String
        let tokenType = "Bearer"
        let exp: Int

        init(_ grant: IdentityDirectory.Grant) {
            username = grant.username
            sub = grant.username
            clientID = grant.clientID
            scope = grant.scope
            exp = Int(grant.expires.timeIntervalSince1970)
        }

        enum CodingKeys: String, CodingKey {
            case active, username, sub, scope, exp
            case clientID = "client_id", tokenType = "token_type"
        }
    }

    private static func refusal(_ error: TokenGrantError) -> Response {
        json(["error": error.code, "error_description": error.description],
             status: HTTPResponse.Status(code: error.status))
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
