/// Measures how deeply a message's multiparts nest, from the raw bytes, so that a hostile
/// message cannot exhaust the stack of libetpan's recursive parser.
enum MultipartDepth {
    /// Below this many `boundary=` declarations no depth check is needed.
    static let quickLimit = 64

    /// The nesting depth, or nil when the message declares too few boundaries for depth to matter.
    static func estimate(_ raw: UnsafeRawBufferPointer) -> Int? {
        guard countBoundaryDeclarations(raw, atLeast: quickLimit + 1) > quickLimit else { return nil }
        return scanDepth(raw)
    }

    private static let boundaryToken = Array("boundary=".utf8)

    private static func countBoundaryDeclarations(_ raw: UnsafeRawBufferPointer, atLeast limit: Int) -> Int {
        var count = 0
        var index = 0
        let last = raw.count - boundaryToken.count
        while index <= last {
            if raw[index] | 0x20 == UInt8(ascii: "b"), matches(raw, at: index, boundaryToken) {
                count += 1
                if count >= limit { return count }
                index += boundaryToken.count
            } else {
                index += 1
            }
        }
        return count
    }

    /// Tracks open boundaries: a `boundary=` parameter opens a level (when its part's body starts),
    /// a `--boundary` line returns to that level, and `--boundary--` closes it.
    private static func scanDepth(_ raw: UnsafeRawBufferPointer) -> Int {
        var open: [[UInt8]] = []
        var deepest = 0
        var index = 0
        while index < raw.count {
            let lineEnd = raw.endOfLine(from: index)
            let contentEnd = raw.trimmingLineBreak(start: index, end: lineEnd)
            let line = UnsafeRawBufferPointer(rebasing: raw[index..<contentEnd])
            if line.count > 2, line[0] == UInt8(ascii: "-"), line[1] == UInt8(ascii: "-"),
               let level = open.lastIndex(where: { isDelimiter(line, for: $0) }) {
                let closes = line.count >= open[level].count + 4
                    && line[open[level].count + 2] == UInt8(ascii: "-") && line[open[level].count + 3] == UInt8(ascii: "-")
                open.removeSubrange((closes ? level : level + 1)...)
            } else if let boundary = declaredBoundary(line) {
                open.append(boundary)
                deepest = max(deepest, open.count)
            }
            index = lineEnd
        }
        return deepest
    }

    private static func isDelimiter(_ line: UnsafeRawBufferPointer, for boundary: [UInt8]) -> Bool {
        line.count >= boundary.count + 2 && matches(line, at: 2, boundary, caseSensitive: true)
    }

    private static func declaredBoundary(_ line: UnsafeRawBufferPointer) -> [UInt8]? {
        guard line.count > boundaryToken.count else { return nil }
        for start in 0...(line.count - boundaryToken.count) where matches(line, at: start, boundaryToken) {
            var valueStart = start + boundaryToken.count
            let quoted = valueStart < line.count && line[valueStart] == UInt8(ascii: "\"")
            if quoted { valueStart += 1 }
            var valueEnd = valueStart
            while valueEnd < line.count {
                let byte = line[valueEnd]
                if quoted ? byte == UInt8(ascii: "\"") : (byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ")) { break }
                valueEnd += 1
            }
            return valueEnd > valueStart ? Array(line[valueStart..<valueEnd]) : nil
        }
        return nil
    }

    private static func matches(_ raw: UnsafeRawBufferPointer, at index: Int, _ token: [UInt8],
                                caseSensitive: Bool = false) -> Bool {
        guard index + token.count <= raw.count else { return false }
        for offset in 0..<token.count {
            let byte = raw[index + offset]
            if caseSensitive ? byte != token[offset] : (byte | 0x20) != (token[offset] | 0x20) { return false }
        }
        return true
    }
}
