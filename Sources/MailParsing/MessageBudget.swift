/// The most one message may cost to parse, so that no message can crash, stall or exhaust the
/// gateway. Structure over a budget (nesting, parts, header fields) refuses the message with a
/// `MessageParseError` whose `isBudgetExceeded` is true; text over its budget is cut, not refused.
public struct MessageBudget: Sendable, Equatable {
    /// How deep multiparts and embedded messages may nest. Default: 32.
    public var maximumDepth: Int
    /// How many MIME parts the whole message may have, embedded messages included. Default: 1,000.
    public var maximumParts: Int
    /// How many bytes libetpan may search for multipart delimiters, summed over the levels: each
    /// multipart searches all of its body, so this is about depth times size. Default: 200 MiB
    /// (eight levels over a 25 MiB message).
    public var maximumDelimiterSearchBytes: Int
    /// How many `boundary` parameters and `rfc822` subtypes the raw bytes may name. Each one can add a
    /// level of recursion to libetpan's parser, so this bounds the stack it can need. Default: 4,096.
    public var maximumStructureDeclarations: Int
    /// How many parentheses may be open at once on one line: libetpan reads nested comments in header
    /// fields by recursion. Default: 10,000.
    public var maximumCommentDepth: Int
    /// How many header fields the message may have, in all its header blocks together. Default: 10,000.
    public var maximumHeaderFields: Int
    /// The largest header block (a message's or part's header, up to its empty line). Default: 1 MiB.
    public var maximumHeaderBlockBytes: Int
    /// How large all header blocks may be together (every header is parsed, addresses too). Default: 2 MiB.
    public var maximumHeaderBytes: Int
    /// Header values longer than this are cut (not refused). Default: 16 KiB.
    public var maximumHeaderValueBytes: Int
    /// How many bytes of text the text parts together decode to; transfer decoding stops there and the
    /// text is marked truncated. Default: 1 MiB.
    public var maximumTextBytes: Int

    public init(maximumDepth: Int = 32, maximumParts: Int = 1_000, maximumDelimiterSearchBytes: Int = 200 << 20,
                maximumStructureDeclarations: Int = 4_096, maximumCommentDepth: Int = 10_000,
                maximumHeaderFields: Int = 10_000, maximumHeaderBlockBytes: Int = 1 << 20, maximumHeaderBytes: Int = 2 << 20,
                maximumHeaderValueBytes: Int = 16 << 10, maximumTextBytes: Int = 1 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumParts = maximumParts
        self.maximumDelimiterSearchBytes = maximumDelimiterSearchBytes
        self.maximumStructureDeclarations = maximumStructureDeclarations
        self.maximumCommentDepth = maximumCommentDepth
        self.maximumHeaderFields = maximumHeaderFields
        self.maximumHeaderBlockBytes = maximumHeaderBlockBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumHeaderValueBytes = maximumHeaderValueBytes
        self.maximumTextBytes = maximumTextBytes
    }
}

extension MessageParseError {
    static func tooDeep(limit: Int) -> MessageParseError {
        .overBudget("nesting budget: MIME parts are nested more than \(limit) levels deep")
    }
    static func tooManyParts(limit: Int) -> MessageParseError {
        .overBudget("part budget: the message has more than \(limit) MIME parts")
    }
    static func tooMuchDelimiterSearch(limit: Int) -> MessageParseError {
        .overBudget("nesting budget: multipart delimiters would be searched through more than \(limit >> 20) MiB "
            + "(multiparts nested deep around a large body)")
    }
    static func tooManyDeclarations(limit: Int) -> MessageParseError {
        .overBudget("structure budget: the message names more than \(limit) multipart boundaries and embedded messages")
    }
    static func commentsTooDeep(limit: Int) -> MessageParseError {
        .overBudget("comment budget: more than \(limit) parentheses are open at once on one line")
    }
    static func tooManyHeaderFields(limit: Int) -> MessageParseError {
        .overBudget("header budget: the message has more than \(limit) header fields")
    }
    static func headersTooLarge(limit: Int) -> MessageParseError {
        .overBudget("header budget: the header blocks together are larger than \(limit / 1024) KiB")
    }
    static func headerBlockTooLarge(limit: Int) -> MessageParseError {
        .overBudget("header budget: a header block is larger than \(limit / 1024) KiB")
    }
}
