/// Where reply history or forwarded content begins in a message body, and where the first signature
/// delimiter before it is: found in one pass from the top, each line looked at a bounded number of times.
struct HistoryMarkers {
    /// The first line of reply history or of forwarded content, whichever comes first, and the rule that
    /// recognised it.
    private(set) var history: (line: Int, kind: HistoryKind, rule: TrimRule)?
    /// The first signature delimiter above `history`.
    private(set) var signature: Int?

    init(_ lines: [ReplyLine]) {
        var index = 0
        var footer: Int?
        while index < lines.count, history == nil {
            let line = lines[index]
            if line.isBlank || line.isQuoted {
                index += 1
            } else if line.isSignatureDelimiter {
                signature = signature ?? index
                index += 1
            } else if footer == nil, ClientFooter.endsTheSendersText(line) {
                footer = index
                index += 1
            } else if let separator = HistorySeparator(line) {
                history = Self.history(after: separator, at: index, in: lines)
                index += 1
            } else if let block = HistoryHeaderBlock(lines, startingAt: index) {
                if block.isComplete {
                    history = (index, block.kind(afterOriginalMessageLine: false), .headerBlock)
                }
                index = block.end
            } else if let end = Self.attributionEnd(lines, startingAt: index) {
                // Followed by quoted lines, the trimmer decides from what follows them; followed by
                // anything else, it introduces unquoted history.
                if let next = lines[end...].firstIndex(where: { !$0.isBlank }), lines[next].isQuoted {
                    index = end
                } else {
                    history = (index, .reply, .attribution)
                }
            } else {
                index += 1
            }
        }
        // Text after an app's footer is history the app appended; a forward after it stays a forward.
        if let footer, footer < history?.line ?? lines.count, history?.kind != .forward,
           lines[(footer + 1)...].contains(where: { !$0.isBlank }) {
            history = (footer, .reply, .clientFooter)
        }
    }

    private static func history(
        after separator: HistorySeparator, at index: Int, in lines: [ReplyLine]
    ) -> (line: Int, kind: HistoryKind, rule: TrimRule)? {
        let blockStart = lines[(index + 1)...].prefix(3).firstIndex { !$0.isBlank } ?? lines.count
        let block = HistoryHeaderBlock(lines, startingAt: blockStart)
        switch separator {
        case .forwardedMessage:
            return (index, .forward, .originalMessage)
        case .originalMessage:
            return (index, block?.kind(afterOriginalMessageLine: true) ?? .reply, .originalMessage)
        case .rule:
            guard let block, block.isComplete else { return nil }
            return (index, block.kind(afterOriginalMessageLine: false), .headerBlock)
        }
    }

    /// The line after an attribution starting at `start`, on one line or wrapped over two or three.
    static func attributionEnd(_ lines: [ReplyLine], startingAt start: Int) -> Int? {
        // Every form ends a line with a colon or is set in dashes: most lines are ruled out here.
        guard lines[start..<min(start + 3, lines.count)].contains(where: { $0.endsWithColon || $0.isDashed })
        else { return nil }
        if Attribution.matches(lines[start]) {
            return start + 1
        }
        guard !lines[start].endsWithColon else { return nil }
        for count in 2...3 where start + count <= lines.count {
            let wrapped = lines[start..<(start + count)]
            let last = lines[start + count - 1]
            if Attribution.matches(last), Attribution.startsLikeOne(last) { return nil }
            if Attribution.matches(wrapped: wrapped) { return start + count }
            if wrapped.last!.endsWithColon || wrapped.last!.isBlank { return nil }
        }
        return nil
    }
}
