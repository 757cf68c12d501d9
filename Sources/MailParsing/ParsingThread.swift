#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the parse of one message on a thread of its own whose stack is sized for the deepest
/// recursion libetpan can reach on that message, so that no message can overflow a stack, whatever
/// thread (or Swift concurrency pool thread, with its small stack) asked for the parse.
enum ParsingThread {
    /// Bytes of stack per nesting level: measured libetpan parse + free and our conversion use about
    /// 1 KiB per level on x86-64; four times that is kept as margin.
    static let stackBytesPerLevel = 4096
    /// The stack of a parse, beyond the levels: for iconv, libxml2-free code paths and Swift's own frames.
    static let baseStackBytes = 1 << 20

    /// Runs `body` on a new thread with at least `stackBytes` of stack and returns its result.
    /// When no thread can be started (out of memory or threads), runs it on the caller's thread.
    static func run<Result: Sendable>(stackBytes: Int, _ body: @escaping @Sendable () -> Result) -> Result {
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
