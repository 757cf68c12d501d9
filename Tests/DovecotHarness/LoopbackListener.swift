import Glibc

/// A TCP socket listening on 127.0.0.1 on a port the system chose, for a scripted server in a test.
/// The caller accepts on `socket` and closes it.
public struct LoopbackListener: Sendable {
    public let socket: Int32
    public let port: Int

    public init(backlog: Int32 = 4) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard let port = bindToLoopback(fd), listen(fd, backlog) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1: \(reason)")
        }
        socket = fd
        self.port = port
    }
}
