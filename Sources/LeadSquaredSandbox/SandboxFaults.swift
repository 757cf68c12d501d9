/// Failures the sandbox injects into valid note calls, drawn independently for each call: a server error, a
/// dropped connection or a call held past the client's timeout. Rates are fractions of calls (0...1, summing
/// to at most 1). Also set at run time with `PUT /sandbox/faults` and this JSON shape.
public struct SandboxFaults: Sendable, Hashable, Codable {
    /// For calls that get no answer (dropped or held), whether the note is recorded first.
    public enum SilencePoint: String, Sendable, Hashable, Codable, CaseIterable {
        /// The note is recorded, then the call goes silent: it *was* posted though the client never hears.
        case afterCommit = "after-commit"
        /// The call goes silent before anything is recorded: it was *not* posted.
        case beforeCommit = "before-commit"
    }

    /// Fraction answered 500 with an exception message; nothing is recorded.
    public var failureRate: Double
    /// Fraction whose connection is closed right after the request was read, without an answer.
    public var dropRate: Double
    /// Fraction held for `holdMilliseconds`, then closed without an answer.
    public var timeoutRate: Double
    /// Whether dropped and held notes are recorded.
    public var silencePoint: SilencePoint
    /// How long a held call is held; make it longer than the client's timeout.
    public var holdMilliseconds: Int
    /// Delay added before every API answer.
    public var latencyMilliseconds: Int

    public init(
        failureRate: Double = 0, dropRate: Double = 0, timeoutRate: Double = 0,
        silencePoint: SilencePoint = .afterCommit, holdMilliseconds: Int = 35_000, latencyMilliseconds: Int = 0
    ) {
        self.failureRate = failureRate
        self.dropRate = dropRate
        self.timeoutRate = timeoutRate
        self.silencePoint = silencePoint
        self.holdMilliseconds = holdMilliseconds
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// Reads settings in which any field may be left out, taking its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SandboxFaults()
        failureRate = try container.decodeIfPresent(Double.self, forKey: .failureRate) ?? defaults.failureRate
        dropRate = try container.decodeIfPresent(Double.self, forKey: .dropRate) ?? defaults.dropRate
        timeoutRate = try container.decodeIfPresent(Double.self, forKey: .timeoutRate) ?? defaults.timeoutRate
        silencePoint = try container.decodeIfPresent(SilencePoint.self, forKey: .silencePoint) ?? defaults.silencePoint
        holdMilliseconds = try container.decodeIfPresent(Int.self, forKey: .holdMilliseconds)
            ?? defaults.holdMilliseconds
        latencyMilliseconds = try container.decodeIfPresent(Int.self, forKey: .latencyMilliseconds)
            ?? defaults.latencyMilliseconds
    }

    private enum CodingKeys: String, CodingKey {
        case failureRate, dropRate, timeoutRate, silencePoint, holdMilliseconds, latencyMilliseconds
    }

    /// What is wrong with these settings, or `nil` if they can be used.
    public var problem: String? {
        let rates = [failureRate, dropRate, timeoutRate]
        if rates.contains(where: { !(0...1).contains($0) }) || rates.reduce(0, +) > 1 {
            return "failureRate, dropRate and timeoutRate must each be within 0...1 and add up to at most 1."
        }
        if holdMilliseconds < 0 || latencyMilliseconds < 0 {
            return "holdMilliseconds and latencyMilliseconds cannot be negative."
        }
        return nil
    }

    /// The fault for one call, given a uniform draw in 0..<1.
    func fault(forDraw draw: Double) -> Fault? {
        if draw < failureRate { return .failure }
        if draw < failureRate + dropRate { return .drop }
        if draw < failureRate + dropRate + timeoutRate { return .hold(.milliseconds(holdMilliseconds)) }
        return nil
    }

    /// One injected failure.
    enum Fault: Equatable {
        case failure
        case drop
        case hold(Duration)
    }
}

/// Fault settings the sandbox refuses; the description says which.
public struct InvalidFaults: Error, Sendable, CustomStringConvertible {
    public let description: String
}
