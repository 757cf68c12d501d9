import Foundation

extension HealthReport {
    /// The body of `/healthz`: `{"status":"ok"}`, or `{"problems":[…],"status":"unhealthy"}` with each
    /// problem's `since` in ISO 8601 (UTC, whole seconds). Keys are sorted so the body is the same each time.
    func jsonBody() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Body(self))
    }

    private struct Body: Encodable {
        let status: String
        let problems: [Problem]?

        init(_ report: HealthReport) {
            status = report.isHealthy ? "ok" : "unhealthy"
            problems = report.isHealthy ? nil : report.problems
        }
    }
}
