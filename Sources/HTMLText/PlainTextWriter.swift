/// Accumulates rendered text line by line, the way a browser lays it out: inline whitespace collapses,
/// requested breaks become line ends with at most one blank line between paragraphs, quoted lines get
/// "> " prefixes, and leading and trailing blank lines never appear.
///
/// Breaks are lazy: they are owed until the next visible content arrives, so that a run of block
/// boundaries produces one line end, and so that a table cell can take back the breaks its
/// predecessor owed and continue the row on the same line.
struct PlainTextWriter {
    /// How far the line to start next is inside `blockquote`s.
    var quoteDepth = 0
    /// Deeper quotes get no more "> " than this.
    let maximumQuoteDepth: Int
    /// Lines are written until the text reaches this many bytes; the rest is dropped.
    let maximumBytes: Int
    /// How much visible content has been written so far; compare two readings to know if anything came in between.
    private(set) var contentMark = 0

    private var output: [UInt8] = []
    private var line: [UInt8] = []
    private var lineQuoteDepth = 0
    private var lastWrittenQuoteDepth = 0
    private var pendingBreaks = 0
    private var pendingSpace = false
    private var pendingBlankLine = false
    private var pendingLinePrefix: [UInt8] = []
    private var cellSeparatorPending = false
    private var capturedText: [UInt8]?

    init(maximumQuoteDepth: Int, maximumBytes: Int) {
        self.maximumQuoteDepth = maximumQuoteDepth
        self.maximumBytes = maximumBytes
    }

    /// The kinds of line end an element asks for.
    enum Break {
        /// End the current line if it has content (a block boundary).
        case line
        /// End the current line and leave a blank line (a paragraph margin).
        case paragraph
        /// End the current line even if empty, so that two in a row make a blank line (`br`).
        case hard
    }

    /// Owes a line end of this kind before the next content; the strongest owed kind wins.
    mutating func requestBreak(_ kind: Break) {
        pendingSpace = false
        // At the start of a table cell, blocks inside the cell must not split the row.
        guard !cellSeparatorPending else { return }
        switch kind {
        case .line: pendingBreaks = max(pendingBreaks, 1)
        case .paragraph: pendingBreaks = 2
        case .hard: pendingBreaks = min(pendingBreaks + 1, 2)
        }
    }

    /// Appends the text of a text node; `preformatted` keeps its spaces and line breaks as written.
    mutating func appendText<Bytes: Collection<UInt8>>(_ bytes: Bytes, preformatted: Bool) {
        var index = bytes.startIndex
        while index != bytes.endIndex, !isFull {
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            if preformatted {
                switch byte {
                case UInt8(ascii: "\n"): requestBreak(.hard)
                case UInt8(ascii: "\r"): continue
                default: appendContent(byte)
                }
            } else if Self.isCollapsibleSpace(byte) {
                pendingSpace = true
            } else if byte == 0xC2, index != bytes.endIndex, bytes[index] == 0xA0 {
                // A no-break space is content: it keeps its width and makes an otherwise empty line
                // count as a line, as in Outlook's `<p>&nbsp;</p>` blank lines. Only a spacer cell's
                // `&nbsp;` is not worth a cell separator.
                bytes.formIndex(after: &index)
                if cellSeparatorPending {
                    pendingSpace = true
                } else {
                    appendContent(UInt8(ascii: " "))
                }
            } else {
                appendContent(byte)
            }
        }
    }

    /// Sets the text that starts the next line, before its content: a list item's bullet.
    mutating func setLinePrefix(_ prefix: String) {
        pendingLinePrefix = Array(prefix.utf8)
    }

    /// Forgets a line prefix that no content claimed (an empty list item).
    mutating func clearLinePrefix() {
        pendingLinePrefix = []
    }

    /// Starts a table cell that follows a cell with content: it continues the row's line after " | ".
    mutating func beginCell() {
        pendingBreaks = 0
        pendingSpace = false
        cellSeparatorPending = true
    }

    /// Ends a table row's line. A cell that stayed empty leaves no separator behind, and the margins of
    /// paragraphs inside the last cell do not separate the rows.
    mutating func endRow() {
        cellSeparatorPending = false
        pendingSpace = false
        pendingBreaks = 1
    }

    /// Starts recording the visible text written from now on (a link's text).
    mutating func beginCapture() {
        capturedText = []
    }

    /// Stops recording and returns the visible text written since `beginCapture()`.
    mutating func endCapture() -> String {
        defer { capturedText = nil }
        return String(decoding: capturedText ?? [], as: UTF8.self)
    }

    var isCapturing: Bool { capturedText != nil }

    /// Whether the text has reached `maximumBytes` (or the open line has): nothing more will be kept.
    var isFull: Bool { output.count + line.count >= maximumBytes }

    /// Ends the last line and returns all the text.
    mutating func finish() -> String {
        endLine()
        if output.count > maximumBytes {
            output.removeSubrange(maximumBytes...)
            while let last = output.last, last & 0xC0 == 0x80 { output.removeLast() }
            if let last = output.last, last >= 0xC0 { output.removeLast() }
        }
        if output.last == UInt8(ascii: "\n") {
            output.removeLast()
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isCollapsibleSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r") || byte == 0x0C
    }

    private mutating func appendContent(_ byte: UInt8) {
        if cellSeparatorPending {
            cellSeparatorPending = false
            if !line.isEmpty {
                appendToLine(contentsOf: Self.cellSeparator)
                pendingSpace = false
            }
        }
        if pendingBreaks > 0 {
            endLine()
            pendingBlankLine = pendingBlankLine || pendingBreaks > 1
            pendingBreaks = 0
            pendingSpace = false
            capturedText?.append(UInt8(ascii: " "))
        }
        if line.isEmpty {
            lineQuoteDepth = quoteDepth
            appendToLine(contentsOf: pendingLinePrefix)
            pendingLinePrefix = []
            pendingSpace = false
        } else if pendingSpace {
            appendToLine(UInt8(ascii: " "))
            pendingSpace = false
        }
        appendToLine(byte)
        contentMark += 1
    }

    private static let cellSeparator = Array(" | ".utf8)

    private mutating func appendToLine(_ byte: UInt8) {
        line.append(byte)
        capturedText?.append(byte)
    }

    private mutating func appendToLine(contentsOf bytes: [UInt8]) {
        line.append(contentsOf: bytes)
        capturedText?.append(contentsOf: bytes)
    }

    /// Writes the open line, or notes a blank line if it holds only spaces.
    private mutating func endLine() {
        while let last = line.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            line.removeLast()
        }
        guard !line.isEmpty else {
            pendingBlankLine = true
            return
        }
        if pendingBlankLine, !output.isEmpty {
            writeQuotePrefix(depth: min(lastWrittenQuoteDepth, lineQuoteDepth), beforeContent: false)
            output.append(UInt8(ascii: "\n"))
        }
        pendingBlankLine = false
        writeQuotePrefix(depth: lineQuoteDepth, beforeContent: true)
        output.append(contentsOf: line)
        output.append(UInt8(ascii: "\n"))
        lastWrittenQuoteDepth = lineQuoteDepth
        line.removeAll(keepingCapacity: true)
    }

    /// "> " per level before content; a blank quoted line ends without the trailing space.
    private mutating func writeQuotePrefix(depth: Int, beforeContent: Bool) {
        let depth = min(depth, maximumQuoteDepth)
        guard depth > 0 else { return }
        for _ in 1..<depth {
            output.append(contentsOf: "> ".utf8)
        }
        output.append(UInt8(ascii: ">"))
        if beforeContent {
            output.append(UInt8(ascii: " "))
        }
    }
}
