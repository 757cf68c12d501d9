extension StatusServer {
    /// Where the status server listens.
    public struct Configuration: Sendable {
        /// The address to bind. Loopback by default: metrics and health are for this host's scraper and
        /// supervisor, not the network.
        public var host: String
        /// The TCP port; 0 picks a free one, which ``StatusServer/start()`` and the `onListening` callback report.
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int = 9464) {
            self.host = host
            self.port = port
        }
    }
}
