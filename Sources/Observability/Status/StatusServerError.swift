#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Why the status server could not start, said for the operator who configured its address.
public struct StatusServerError: Error, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case addressTaken
        case addressNotHere(reason: String)
        case unknownHost
    }

    private let code: Code
    /// The host it was asked to listen on.
    public let host: String
    /// The port it was asked to listen on.
    public let port: Int

    /// Another process already listens on `host:port`.
    public static func addressTaken(host: String, port: Int) -> Self {
        Self(code: .addressTaken, host: host, port: port)
    }

    /// `host` is not an address of this machine, or the port may not be bound (`reason` says which).
    public static func addressNotHere(host: String, port: Int, reason: String) -> Self {
        Self(code: .addressNotHere(reason: reason), host: host, port: port)
    }

    /// `host` is a name that does not resolve.
    public static func unknownHost(host: String, port: Int) -> Self {
        Self(code: .unknownHost, host: host, port: port)
    }

    public var description: String {
        let address = "\(host):\(port)"
        return switch code {
        case .addressTaken:
            "The status server cannot listen on \(address): another process already does. Choose another "
                + "port (0 picks a free one), or stop the process that holds it."
        case .addressNotHere(let reason):
            "The status server cannot listen on \(address): \(reason). Use an address of this machine "
                + "(127.0.0.1 keeps metrics and health local) and a port above 1023."
        case .unknownHost:
            "The status server cannot listen on \(address): no such host. Use an IP address of this machine, "
                + "such as 127.0.0.1."
        }
    }

    /// The operator's version of a failure to bind, or nil if `error` is something else.
    static func explaining(_ error: any Error, host: String, port: Int) -> Self? {
        switch error {
        case let error as IOError where error.errnoCode == EADDRINUSE:
            .addressTaken(host: host, port: port)
        case let error as IOError where [EADDRNOTAVAIL, EACCES].contains(error.errnoCode):
            .addressNotHere(host: host, port: port, reason: String(cString: strerror(error.errnoCode)).lowercased())
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            .unknownHost(host: host, port: port)
        default:
            nil
        }
    }
}
