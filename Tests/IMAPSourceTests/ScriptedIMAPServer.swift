import Foundation
import Glibc

/// A small IMAP server for tests that answers from a script instead of a mailbox: plain TCP on
/// 127.0.0.1, any LOGIN accepted, one folder holding `messages` whose BODYSTRUCTURE and sections
/// are given as they should be sent. It can do what RFC 3501 allows and real servers do (untagged
/// FETCH, EXISTS, EXPUNGE, RECENT and FLAGS around every answer, one message's answer split over
/// two FETCH responses) and what a broken or hostile server does (`Hostility`). It runs on a
/// thread of its own; `stop()` ends it and closes every socket. Call it in a `defer`.
final class ScriptedIMAPServer: @unchecked Sendable {
    struct Message {
        var uid: UInt32
        var flags = ""
        /// The BODYSTRUCTURE value as sent, parentheses included.
        var bodyStructure: String
        /// Sections by name (`HEADER`, `1`, `2.HEADER`, `` for the whole message).
        var sections: [String: [UInt8]]
        /// Every UID FETCH that asks for this message's sections other than HEADER is answered without them.
        var leavesOutText = false
        var size: Int { sections[""]?.count ?? 0 }

        /// The section named `name`; `TEXT`, when not given, is the whole message after its `HEADER`.
        func section(_ name: String) -> [UInt8]? {
            if name == "TEXT", sections[name] == nil, let whole = sections[""], let header = sections["HEADER"] {
                return Array(whole.dropFirst(header.count))
            }
            return sections[name]
        }
    }

    enum Hostility: Equatable {
        case none
        /// Every UID FETCH that asks for a body section is answered with a literal of 4,000,000,000
        /// bytes, of which 64 KB come.
        case hugeLiteral
        /// Every UID FETCH is answered with untagged FETCH responses that never end.
        case endlessReply
        /// Every UID FETCH is answered with a quoted string that never ends.
        case endlessLine
        /// Every UID FETCH is answered with a BODYSTRUCTURE nested 100,000 parentheses deep.
        case deepNesting
        /// UID FETCH of body sections other than HEADER is answered without them.
        case textSectionsLeftOut
    }

    let port: Int
    private let messages: [Message]
    private let chatter: Bool
    private let splitAnswers: Bool
    private let hostility: Hostility
    private let listener: Int32
    private let stopPipe: [Int32]
    private let lock = NSLock()
    private var sent = 0
    private var received: [String] = []
    private var finished = false
    private let done = NSCondition()

    /// Starts listening. `chatter` surrounds every answer in the selected state with unsolicited
    /// responses; `splitAnswers` sends each message's FETCH answer as two responses.
    init(messages: [Message], chatter: Bool = false, splitAnswers: Bool = false, hostility: Hostility = .none) throws {
        self.messages = messages
        self.chatter = chatter
        self.splitAnswers = splitAnswers
        self.hostility = hostility
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && getsockname(listener, address, &length) == 0
            }
        }
        var pipeEnds: [Int32] = [0, 0]
        guard bound, listen(listener, 4) == 0, pipe(&pipeEnds) == 0 else {
            close(listener)
            throw ScriptedServerError(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        stopPipe = pipeEnds
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serve() }
        thread.name = "scripted-imap"
        thread.start()
    }

    /// Bytes written to clients so far.
    var bytesSent: Int { lock.withLock { sent } }
    /// The command lines clients sent, in order.
    var commands: [String] { lock.withLock { received } }

    /// Ends the server thread and waits for it (at most 10 s); closes every socket.
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        done.lock()
        let deadline = Date().addingTimeInterval(10)
        while !finished && done.wait(until: deadline) {}
        done.unlock()
    }

    deinit {
        close(stopPipe[0])
        close(stopPipe[1])
    }

    private func serve() {
        while let client = waitForClient() {
            handle(client)
            close(client)
        }
        close(listener)
        done.lock()
        finished = true
        done.broadcast()
        done.unlock()
    }

    /// The next connection, or nil once `stop()` was called.
    private func waitForClient() -> Int32? {
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 || fds[1].revents != 0 { return nil }
            let client = accept(listener, nil, nil)
            if client >= 0 { return client }
        }
    }

    private var isStopping: Bool {
        var fds = [pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
        return poll(&fds, 1, 0) > 0
    }

    // MARK: - One session

    private func handle(_ client: Int32) {
        var selected = false
        var pending: [UInt8] = []
        // A client that stops reading must not block the server thread for good.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard send(client, "* OK [CAPABILITY IMAP4rev1] scripted server ready\r\n") else { return }
        while let line = readLine(client, &pending) {
            lock.withLock { received.append(line) }
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count >= 2 else { return }
            let tag = words[0]
            let command = words[1].uppercased()
            let rest = words.count > 2 ? words[2] : ""
            var reply = ""
            switch command {
            case "CAPABILITY":
                reply = "* CAPABILITY IMAP4rev1 UIDPLUS\r\n"
            case "LOGIN", "NOOP":
                break
            case "SELECT", "EXAMINE":
                selected = true
                reply = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* \(messages.count) EXISTS\r\n"
                    + "* 0 RECENT\r\n* OK [UIDVALIDITY 7] UIDs valid\r\n"
                    + "* OK [UIDNEXT \((messages.map(\.uid).max() ?? 0) + 1)] next\r\n"
            case "LOGOUT":
                _ = send(client, "* BYE logging out\r\n\(tag) OK LOGOUT completed\r\n")
                return
            case "UID":
                let parts = rest.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count == 3 else { reply = ""; break }
                if parts[0].uppercased() == "SEARCH" {
                    reply = "* SEARCH " + messages.map { String($0.uid) }.joined(separator: " ") + "\r\n"
                } else if parts[0].uppercased() == "FETCH" {
                    guard let answer = fetch(client, set: parts[1], items: parts[2]) else { return }
                    reply = answer
                }
            default:
                guard send(client, "\(tag) BAD unknown command\r\n") else { return }
                continue
            }
            let noise = selected && chatter ? unsolicited : ""
            guard send(client, noise + reply + noise + "\(tag) OK \(command) completed\r\n") else { return }
        }
    }

    /// Unsolicited responses a server may send at any time in the selected state: another client
    /// set flags (with and without the UID, for a message asked for and for another), a message
    /// arrived and went away, the folder's flags changed.
    private var unsolicited: String {
        let first = messages.first.map(\.uid) ?? 1
        return "* 1 FETCH (FLAGS (\\Seen))\r\n"
            + "* 1 FETCH (UID \(first) FLAGS (\\Seen \\Flagged))\r\n"
            + "* \(messages.count + 1) EXISTS\r\n* 1 RECENT\r\n"
            + "* \(messages.count + 1) FETCH (UID 999 FLAGS ())\r\n"
            + "* \(messages.count + 1) EXPUNGE\r\n"
            + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n"
    }

    /// Answers UID FETCH; nil when the client went away. Hostile answers are written here.
    private func fetch(_ client: Int32, set: String, items: String) -> String? {
        let asksForBody = items.uppercased().contains("BODY.PEEK[")
        switch hostility {
        case .hugeLiteral where asksForBody:
            let start = "* 1 FETCH (UID \(messages.first?.uid ?? 1) BODY[HEADER]<0> {4000000000}\r\n"
            guard send(client, start), send(client, String(repeating: "x", count: 64 * 1024)) else { return nil }
            waitForClose(client)
            return nil
        case .endlessReply:
            let line = "* 1 FETCH (UID \(messages.first?.uid ?? 1) FLAGS (\\Seen))\r\n"
            flood(client, String(repeating: line, count: 1024))
            return nil
        case .endlessLine:
            guard send(client, "* 1 FETCH (UID 1 BODY[HEADER]<0> \"") else { return nil }
            flood(client, String(repeating: "x", count: 64 * 1024))
            return nil
        case .deepNesting:
            guard send(client, "* 1 FETCH (UID 1 BODYSTRUCTURE " + String(repeating: "(", count: 100_000)) else {
                return nil
            }
            waitForClose(client)
            return nil
        default:
            break
        }
        let uids = Set(uidSet(set))
        var answer = ""
        for (index, message) in messages.enumerated() where uids.contains(message.uid) {
            var first = ["UID \(message.uid)"]
            var second = ["UID \(message.uid)"]
            let upper = items.uppercased()
            if upper.contains("RFC822.SIZE") { first.append("RFC822.SIZE \(message.size)") }
            if upper.contains("FLAGS") { first.append("FLAGS (\(message.flags))") }
            if upper.contains("BODYSTRUCTURE") { second.append("BODYSTRUCTURE \(message.bodyStructure)") }
            for match in items.matches(of: /BODY\.PEEK\[([^\]]*)\](?:<(\d+)\.(\d+)>)?/) {
                let name = String(match.1)
                if (hostility == .textSectionsLeftOut || message.leavesOutText) && name != "HEADER" { continue }
                var bytes = message.section(name) ?? []
                var label = "BODY[\(name)]"
                if let origin = match.2.flatMap({ Int($0) }), let length = match.3.flatMap({ Int($0) }) {
                    let from = min(origin, bytes.count)
                    bytes = Array(bytes[from..<min(bytes.count, from + length)])
                    label += "<\(origin)>"
                }
                second.append("\(label) {\(bytes.count)}\r\n" + String(decoding: bytes, as: UTF8.self))
            }
            if splitAnswers {
                answer += "* \(index + 1) FETCH (\(first.joined(separator: " ")))\r\n"
                answer += "* \(index + 1) FETCH (\(second.joined(separator: " ")))\r\n"
            } else {
                let all = first + second.dropFirst()
                answer += "* \(index + 1) FETCH (\(all.joined(separator: " ")))\r\n"
            }
        }
        return answer
    }

    /// `1,3:5,7:*` as UIDs of the folder.
    private func uidSet(_ text: String) -> [UInt32] {
        let highest = messages.map(\.uid).max() ?? 0
        return text.split(separator: ",").flatMap { item -> [UInt32] in
            let bounds = item.split(separator: ":").map { $0 == "*" ? highest : UInt32($0) ?? 0 }
            guard let low = bounds.first, let high = bounds.last else { return [] }
            return Array(min(low, high)...max(low, high))
        }
    }

    /// Writes `chunk` again and again until the client goes away, the server is stopped, or 256 MB
    /// went out (so that a client that reads forever still ends the test).
    private func flood(_ client: Int32, _ chunk: String) {
        while bytesSent < 256 * 1024 * 1024 && !isStopping {
            guard send(client, chunk) else { return }
        }
    }

    /// Waits until the client closes the connection or the server is stopped.
    private func waitForClose(_ client: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
        while poll(&fds, 2, 30_000) > 0, fds[1].revents == 0 {
            if recv(client, &buffer, buffer.count, 0) <= 0 { return }
        }
    }

    private func readLine(_ client: Int32, _ pending: inout [UInt8]) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = pending.firstIndex(of: 10) {
                let line = pending[..<end].filter { $0 != 13 }
                pending.removeSubrange(...end)
                return String(decoding: line, as: UTF8.self)
            }
            var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, 30_000) > 0, fds[1].revents == 0 else { return nil }
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            pending += buffer[..<count]
        }
    }

    private func send(_ client: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return false }
            offset += count
            lock.withLock { sent += count }
        }
        return true
    }
}

struct ScriptedServerError: Error, CustomStringConvertible {
    let description: String
}
