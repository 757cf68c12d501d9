import Hummingbird
import NIOCore

/// The request context of the sandbox: Hummingbird's, plus the connection, so a call can be dropped unanswered.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
