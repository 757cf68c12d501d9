import Foundation

/// Certificates made with openssl at test time: a CA, a server certificate it signs for 127.0.0.1
/// (the one Dovecot presents), and an unrelated self-signed certificate to stand for a CA the
/// client should not trust.
public struct TestCertificates: Sendable {
    /// PEM of the CA that signed the server certificate: the `tls.ca_file` that makes it trusted.
    public let caFile: String
    /// A self-signed certificate that did not sign the server's: a `tls.ca_file` that trusts nothing useful.
    public let unrelatedCAFile: String
    let serverCertificate: String
    let serverKey: String

    /// Writes the files into `directory`.
    init(directory: URL) throws {
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        caFile = path("ca.pem")
        unrelatedCAFile = path("self-signed.pem")
        serverCertificate = path("server.pem")
        serverKey = path("server.key")
        let extensions = path("server.ext")
        try "subjectAltName = IP:127.0.0.1\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        let ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"]
        try openssl(["req", "-x509"] + ecKey + ["-keyout", path("ca.key"), "-out", caFile, "-subj", "/CN=notegate test CA"])
        try openssl(["req", "-x509"] + ecKey + ["-keyout", path("self-signed.key"), "-out", unrelatedCAFile,
                                                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        try openssl(["req"] + ecKey + ["-keyout", serverKey, "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"])
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", caFile, "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-days", "2", "-extfile", extensions, "-out", serverCertificate])
    }

    private func openssl(_ arguments: [String]) throws {
        try runTool("/usr/bin/openssl", arguments)
    }
}

/// Runs a program to completion, `input` on its standard input; throws with its output when it fails.
@discardableResult
func runTool(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
    let completion = try SpawnedProcess.run(executable, arguments, input: input)
    guard completion.succeeded else {
        throw HarnessError("\(executable) \(arguments.joined(separator: " ")) failed: \(completion.output)")
    }
    return completion.output
}

/// The test harness itself failed (Dovecot would not start, openssl failed...).
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
