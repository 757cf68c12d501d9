#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Open iconv converters to UTF-8, kept for the next text in the same charset. Opening one costs far more
/// than most mail texts take to convert: glibc loads the charset's module (`dlopen`) and, once the last
/// converter using it is closed, unloads it again, so a parse that opened and closed its own converter paid
/// for a `dlopen` and a `dlclose` per text. A converter is used by one caller at a time and goes back in its
/// initial shift state; at most `maximumIdle` of them stay open, whatever charsets the mail names.
final class IconvConverters: Sendable {
    static let shared = IconvConverters()

    /// How many converters may wait for reuse, all charsets together.
    static let maximumIdle = 64

    /// An open `iconv_t`, handed from one thread to another only through the pool's lock.
    private struct Converter: @unchecked Sendable {
        let handle: iconv_t
    }

    private struct Idle {
        var byCharset: [String: [Converter]] = [:]
        var count = 0
    }

    private let idle = Mutex(Idle())

    /// Runs `body` with a converter from `charset` to UTF-8 in its initial state; nil when iconv does not
    /// know the charset.
    func withConverter<Result>(from charset: String, _ body: (iconv_t) -> Result) -> Result? {
        guard let converter = take(charset) ?? Self.open(charset) else { return nil }
        let result = body(converter.handle)
        // Back to the initial shift state, whatever `body` left.
        iconv(converter.handle, nil, nil, nil, nil)
        put(converter, charset: charset)
        return result
    }

    private static func open(_ charset: String) -> Converter? {
        let handle = iconv_open("UTF-8", charset)
        guard let handle, handle != iconv_t(bitPattern: -1) else { return nil }
        return Converter(handle: handle)
    }

    private func take(_ charset: String) -> Converter? {
        idle.withLock { idle in
            guard let converter = idle.byCharset[charset]?.popLast() else { return nil }
            idle.count -= 1
            return converter
        }
    }

    private func put(_ converter: Converter, charset: String) {
        let kept = idle.withLock { idle in
            guard idle.count < Self.maximumIdle else { return false }
            idle.byCharset[charset, default: []].append(converter)
            idle.count += 1
            return true
        }
        if !kept { iconv_close(converter.handle) }
    }
}
