/// Where reply history or forwarded content begins in a message body, and where the first signature
/// delimiter before it is: found in one pass from the top, each line looked at a bounded number of times.
struct HistoryMarkers {
    /// The first line of reply history or of forwarded content, whichever comes first.
    private(set) var history: (line: Int, kind: HistoryKind)?
    /// The first signature delimiter above `history`.
    private(set) var signature: Int?

    init(_ lines: [ReplyLine]) {
        var index = 0
        while index < lines.count, history == nil {
            let line = lines[index]
            if line.isBlank || line.isQuoted {
                index += 1
            } else if line.isSignatureDelimiter {
                signature = signature ?? index
                index += 1
            } else if let separator = HistorySeparator(line) {
                history = Self.history(after: separator, at: index, in: lines)
                index += 1
            } else if let block = HistoryHeaderBlock(lines, startingAt: index) {
                if block.isComplete {
                    history = (index, block.kind(afterOriginalMessageLine: false))
                }
                index = block.end
            } else if let end = Self.attributionEnd(lines, startingAt: index) {
                // Followed by quoted lines, the trimmer decides from what follows them; followed by
                // anything else, it introduces unquoted history.
                if let next = lines[end...].firstIndex(where: { !$0.isBlank }), lines[next].isQuoted {
                    index = end
                } else {
                    history = (index, .reply)
                }
            } else {
                index += 1
            }
        }
    }

    private static func history(
        after separator: HistorySeparator, at index: Int, in lines: [ReplyLine]
    ) -> (line: Int, kind: HistoryKind)? {
        let blockStart = lines[(index + 1)...].prefix(3).firstIndex { !$0.isBlank } ?? lines.count
        let block = HistoryHeaderBlock(lines, startingAt: blockStart)
        switch separator {
        case .forwardedMessage:
            return (index, .forward)
        case .originalMessage:
            return (index, block?.kind(afterOriginalMessageLine: true) ?? .reply)
        case .rule:
            guard let block, block.isComplete else { return nil }
            return (index, block.kind(afterOriginalMessageLine: false))
        }
    }

    /// The line after an attribution starting at `start`, on one line or wrapped over two.
    private static func attributionEnd(_ lines: [ReplyLine], startingAt start: Int) -> Int? {
        if Attribution.matches(lines[start]) {
            return start + 1
        }
        let next = start + 1
        guard next < lines.count, !Attribution.matches(lines[next]),
              Attribution.matches(wrapped: lines[start], lines[next])
        else { return nil }
        return next + 1
    }
}
