import ServiceLifecycle
import Synchronization

/// On from the moment the gateway's graceful shutdown begins (SIGTERM, SIGINT, or a parent group's), whichever
/// service the group tells first. The group tells its services one at a time, in reverse order, each once the one
/// told before it has finished; posting reads this instead of waiting for its own turn, so it starts no call while
/// the services told before it (the mailboxes: watchers leaving IDLE, logging out, finishing their batch) stop.
final class StopTakingWork: Sendable {
    private let state = Mutex(false)

    init() {}

    var isOn: Bool { state.withLock { $0 } }

    func turnOn() { state.withLock { $0 = true } }
}

extension GatewayRuntime {
    /// `services`, in the order the group starts them (it stops them in reverse), each wrapped so that the first
    /// one the group tells to stop turns `stop` on: the moment graceful shutdown begins, whatever the order.
    static func serviceConfigurations(_ services: [any Service], turningOn stop: StopTakingWork)
        -> [ServiceGroupConfiguration.ServiceConfiguration] {
        services.map {
            // Named by the service's type: its description may be a long reflection of everything it holds.
            ServiceGroupConfiguration.ServiceConfiguration(service: TurnsOnStopTakingWork(service: $0, stop: stop),
                                                           serviceName: String(describing: type(of: $0)))
        }
    }
}

/// Runs `service`, turning `stop` on as soon as the group tells it to stop (before the service's own handlers run).
private struct TurnsOnStopTakingWork: Service {
    let service: any Service
    let stop: StopTakingWork

    func run() async throws {
        let stop = self.stop
        try await withGracefulShutdownHandler {
            try await service.run()
        } onGracefulShutdown: {
            stop.turnOn()
        }
    }
}
