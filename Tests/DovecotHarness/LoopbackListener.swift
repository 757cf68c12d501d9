import Glibc

/// A TCP socket listening on 127.0.0.1 on a port the system chose, for a scripted server in a test.
/// The caller accepts on `socket` and closes it.
public struct LoopbackListener: Sendable {
    public let socket: Int32
    public let port: Int

    public init(backlog: Int32 = 4) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && getsockname(fd, address, &length) == 0 && listen(fd, backlog) == 0
            }
        }
        guard listening else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("cannot listen on 127.0.0.1: \(reason)")
        }
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
