import Hummingbird

/// What a request asks the sandbox for, read from its method and path.
enum SandboxRoute: Equatable {
    /// `POST /api/tenants/{tenant}/internalnote/upload`
    case postNote(tenant: String)
    /// `GET /api/tenants/{tenant}/tickets/{ticket}`
    case readTicket(tenant: String, ticket: String)
    /// `GET /sandbox/notes`
    case listNotes
    /// `DELETE /sandbox/notes`
    case clearNotes
    /// `GET /sandbox/stats`
    case readStats
    /// `GET /sandbox/faults`
    case readFaults
    /// `PUT /sandbox/faults`
    case replaceFaults
    /// Anything else under `/sandbox/`: 404, not counted as an API call.
    case unknownControl
    /// Anything else: the API's 404.
    case unknownAPI

    init(method: HTTPRequest.Method, path: String) {
        let parts = path.split(separator: "/").map(String.init)
        if parts.first == "sandbox" {
            self = Self.control(method: method, parts: parts)
            return
        }
        guard parts.count == 5, parts[0] == "api", parts[1] == "tenants" else {
            self = .unknownAPI
            return
        }
        switch (method, parts[3], parts[4]) {
        case (.post, "internalnote", "upload"): self = .postNote(tenant: parts[2])
        case (.get, "tickets", let ticket): self = .readTicket(tenant: parts[2], ticket: ticket)
        default: self = .unknownAPI
        }
    }

    private static func control(method: HTTPRequest.Method, parts: [String]) -> Self {
        switch (method, parts.dropFirst().first, parts.count) {
        case (.get, "notes", 2): .listNotes
        case (.delete, "notes", 2): .clearNotes
        case (.get, "stats", 2): .readStats
        case (.get, "faults", 2): .readFaults
        case (.put, "faults", 2): .replaceFaults
        default: .unknownControl
        }
    }

    /// Whether the call is one of the pretend API's (counted in the stats), not a control call.
    var isAPICall: Bool {
        switch self {
        case .postNote, .readTicket, .unknownAPI: true
        case .listNotes, .clearNotes, .readStats, .readFaults, .replaceFaults, .unknownControl: false
        }
    }
}
