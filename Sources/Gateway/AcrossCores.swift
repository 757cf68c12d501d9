import Dispatch
import Synchronization

/// CPU-bound work over a batch, on every core at once: at most one thread per active processor, and
/// Dispatch's threads rather than Swift's cooperative pool, whose few threads the watchers, the posters
/// and the status endpoint need meanwhile.
enum AcrossCores {
    /// `transform` of each element, in the elements' order.
    static func map<Element: Sendable, Transformed: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) -> Transformed
    ) async -> [Transformed] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                let slots = Mutex<[Transformed?]>(Array(repeating: nil, count: elements.count))
                // Its width is the number of active processors; each index runs once, on one of its threads.
                DispatchQueue.concurrentPerform(iterations: elements.count) { index in
                    let value = transform(elements[index])
                    slots.withLock { $0[index] = value }
                }
                // concurrentPerform returns once every index has run: every slot is filled.
                continuation.resume(returning: slots.withLock { $0.map { $0! } })
            }
        }
    }
}
