import Foundation
import Hummingbird
import NIOCore

/// Answers every request the way the documented API would, checking in turn the path and tenant (404), the
/// keys (401), the call limit (429) and the body (400), then injecting a fault if one is drawn, else succeeding.
/// (The documentation gives no order; this one lets a bad body still count against the limit.) Control calls under `/sandbox/` read and steer the ``SandboxAccount``.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext

    /// Bodies larger than this are refused with 400.
    static let maxBodyBytes = 1 << 20

    let account: SandboxAccount
    private var configuration: SandboxConfiguration { account.configuration }

    init(account: SandboxAccount) {
        self.account = account
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let route = SandboxRoute(method: request.method, path: request.uri.path)
        if route.isAPICall { await account.count(\.requests) }
        switch route {
        case .postNote(let tenant):
            return try await apiCall(request, tenant: tenant) { body in
                try await postNote(request, body: body, context: context)
            }
        case .readTicket(let tenant, let ticket):
            return try await apiCall(request, tenant: tenant) { _ in await readTicket(ticket) }
        case .unknownAPI:
            await account.count(\.notFound)
            return SandboxAnswer.notFound
        case .listNotes:
            return SandboxAnswer.json(await account.notes())
        case .clearNotes:
            await account.clearNotes()
            return Response(status: .noContent)
        case .readStats:
            return SandboxAnswer.json(await account.stats())
        case .readFaults:
            return SandboxAnswer.json(await account.faults)
        case .replaceFaults:
            return await replaceFaults(request)
        case .unknownControl:
            return SandboxAnswer.message(.notFound, "No such sandbox control; see GET /sandbox/notes, /stats, /faults.")
        }
    }

    /// The checks every API call passes before its own handling: tenant, keys, call limit, added latency.
    private func apiCall(
        _ request: Request, tenant: String, handle: (ByteBuffer) async throws -> Response
    ) async throws -> Response {
        // The body is read whatever the answer, so the connection stays usable.
        let body = try? await request.body.collect(upTo: Self.maxBodyBytes)
        guard tenant == configuration.tenantID else {
            await account.count(\.notFound)
            return SandboxAnswer.notFound
        }
        guard request.header("X-LSQ-ACCESS-KEY") == configuration.accessKey,
            request.header("X-LSQ-SECRET-KEY") == configuration.secretKey
        else {
            await account.count(\.unauthorized)
            return SandboxAnswer.unauthorized
        }
        if let exceeded = await account.admit(key: configuration.accessKey) {
            await account.count(\.rateLimited)
            return SandboxAnswer.message(.tooManyRequests, exceeded)
        }
        let latency = await account.faults.latencyMilliseconds
        if latency > 0 { await account.hold(for: .milliseconds(latency)) }
        guard let body else {
            return await rejected("The body is larger than \(Self.maxBodyBytes) bytes.")
        }
        return try await handle(body)
    }

    private func postNote(_ request: Request, body: ByteBuffer, context: Context) async throws -> Response {
        let note: SubmittedNote
        switch NoteBodyCheck.read(contentType: request.headers[.contentType], body: body) {
        case .success(let submitted): note = submitted
        case .failure(let bad): return await rejected(bad.message)
        }
        guard configuration.knownTickets?.contains(note.ticketID) ?? true else {
            return await rejected("Ticket \(note.ticketID) does not exist.")
        }
        let faults = await account.faults
        switch faults.fault(forDraw: .random(in: 0..<1)) {
        case .failure:
            await account.count(\.failed)
            return SandboxAnswer.injectedFailure
        case .drop:
            return await goSilent(note, after: nil, faults: faults, context: context)
        case .hold(let duration):
            return await goSilent(note, after: duration, faults: faults, context: context)
        case nil:
            await account.record(note)
            await account.count(\.posted)
            return SandboxAnswer.json(
                SandboxAnswer.Receipt(
                    relatedTicketID: String(note.ticketID), relatedOrgID: configuration.organizationID
                )
            )
        }
    }

    /// Closes the connection without an answer, after `hold` if given (cut short when the server stops),
    /// recording the note first or not according to the faults' silence point.
    private func goSilent(
        _ note: SubmittedNote, after hold: Duration?, faults: SandboxFaults, context: Context
    ) async -> Response {
        if faults.silencePoint == .afterCommit { await account.record(note) }
        if let hold { await account.hold(for: hold) }
        await account.count(\.unanswered)
        try? await context.channel.close().get()
        // The connection is gone: this answer is never written.
        return Response(status: .internalServerError)
    }

    private func readTicket(_ ticket: String) async -> Response {
        guard let id = Int(ticket), id > 0, configuration.knownTickets?.contains(id) ?? true else {
            return await rejected("Ticket \(ticket) does not exist.")
        }
        await account.count(\.ticketReads)
        return SandboxAnswer.json(SandboxAnswer.Ticket(id: id, ticketKey: "#\(id)", subject: "Sandbox ticket \(id)"))
    }

    private func rejected(_ message: String) async -> Response {
        await account.count(\.rejected)
        return SandboxAnswer.message(.badRequest, message)
    }

    private func replaceFaults(_ request: Request) async -> Response {
        do {
            let body = try await request.body.collect(upTo: Self.maxBodyBytes)
            let faults = try JSONDecoder().decode(SandboxFaults.self, from: Data(body.readableBytesView))
            try await account.setFaults(faults)
            return SandboxAnswer.json(faults)
        } catch let invalid as InvalidFaults {
            return SandboxAnswer.message(.badRequest, invalid.description)
        } catch {
            return SandboxAnswer.message(
                .badRequest, "The body is not fault settings as GET /sandbox/faults shows them."
            )
        }
    }
}

extension Request {
    /// The value of the first header field named `name`, whatever its case.
    fileprivate func header(_ name: String) -> String? {
        headers.first { $0.name.canonicalName == name.lowercased() }?.value
    }
}
