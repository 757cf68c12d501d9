#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the parse of one message with a stack that holds the deepest recursion libetpan can reach
/// on that message, so that no message can overflow a stack, whatever thread (or Swift concurrency
/// pool thread, with its small stack) asked for the parse.
enum ParsingThread {
    /// Bytes of stack per MIME level of the bound: libetpan's parse and free and our conversion were
    /// measured at about 1.2 KiB per nesting level in a release build and 5 KiB in a debug build
    /// (x86-64), and the bound counts two levels per `boundary` or `rfc822` it finds.
    static let stackBytesPerLevel = 8192
    /// Bytes of stack per nested comment: libetpan was measured at under 100.
    static let stackBytesPerComment = 256
    /// The stack of a parse on its own thread, beyond the recursion: iconv, libxml2 and Swift's own frames.
    static let baseStackBytes = 1 << 20
    /// Up to this much recursion the parse runs on the caller's thread: every thread that runs Swift
    /// code has that much stack to spare (Swift's smallest thread stacks are 512 KiB; on Linux its
    /// threads have 8 MiB), and most messages name only a few boundaries. Deeper bounds get a thread
    /// of their own.
    static let recursionOnCallersThread = 256 << 10

    /// Runs `body` where the recursion `bound` allows fits, and returns its result.
    static func run<Result: Sendable>(recursion bound: RecursionBound, _ body: @escaping @Sendable () -> Result) -> Result {
        let recursion = bound.structureLevels * stackBytesPerLevel + bound.commentDepth * stackBytesPerComment
        guard recursion > recursionOnCallersThread else { return body() }
        return runOnNewThread(stackBytes: baseStackBytes + recursion, body)
    }

    /// Runs `body` on a new thread with at least `stackBytes` of stack and returns its result.
    static func runOnNewThread<Result: Sendable>(stackBytes: Int, _ body: @escaping @Sendable () -> Result) -> Result {
        let task = Task(body)
        let context = Unmanaged.passRetained(task as AnyTask).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = (max(stackBytes, Int(PTHREAD_STACK_MIN)) + pageSize - 1) / pageSize * pageSize
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        guard pthread_attr_setstacksize(&attributes, size) == 0,
              pthread_create(&thread, &attributes, { context in
                  Unmanaged<AnyTask>.fromOpaque(context!).takeRetainedValue().run()
                  return nil
              }, context) == 0 else {
            Unmanaged<AnyTask>.fromOpaque(context).release()
            return body()
        }
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        pthread_join(thread!, nil)
        #endif
        return task.result!
    }

    private class AnyTask {
        func run() {}
    }

    private final class Task<Result: Sendable>: AnyTask, @unchecked Sendable {
        let body: @Sendable () -> Result
        var result: Result?

        init(_ body: @escaping @Sendable () -> Result) { self.body = body }

        override func run() { result = body() }
    }
}
