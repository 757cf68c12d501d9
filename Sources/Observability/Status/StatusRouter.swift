import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// The status server's routes: `GET /metrics` and `GET /healthz`; the router answers 404 to anything else.
enum StatusRouter {
    static func make(
        registry: PrometheusCollectorRegistry,
        metrics: GatewayMetrics,
        health: @escaping @Sendable () async -> HealthReport
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("metrics") { _, _ in
            metrics.refreshIdleAges()
            var exposition: [UInt8] = []
            registry.emit(into: &exposition)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: exposition))
            )
        }
        router.get("healthz") { _, _ in
            let report = await health()
            return Response(
                status: report.isHealthy ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: try report.jsonBody()))
            )
        }
        return router
    }
}
