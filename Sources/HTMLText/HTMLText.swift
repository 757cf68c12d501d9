import CLibXML2

/// Converts the HTML body of a mail to the plain text a reader would see, for notes: block elements
/// become lines, `blockquote` lines are quoted with "> ", links keep their targets when they add
/// information, and everything invisible (head, styles, scripts, comments) is left out.
public enum HTMLText {
    /// How much text one document may produce, so that no document can make rendering slow or large.
    public struct Limits: Sendable, Equatable {
        /// Quotes nested deeper than this are shown with this many `> `. Default: 16.
        public var maximumQuoteDepth: Int
        /// Lists nested deeper than this are indented no further. Default: 16.
        public var maximumListIndent: Int
        /// Rendering stops once the text reaches this many bytes. Default: 8 MiB.
        public var maximumOutputBytes: Int
        /// Only this many bytes of the document are parsed: libxml2's tree takes up to about 70 times
        /// the bytes of markup it is built from (`x<br>` makes two nodes of 120 bytes each). Default: no limit.
        public var maximumInputBytes: Int

        public init(maximumQuoteDepth: Int = 16, maximumListIndent: Int = 16, maximumOutputBytes: Int = 8 << 20,
                    maximumInputBytes: Int = .max) {
            self.maximumQuoteDepth = maximumQuoteDepth
            self.maximumListIndent = maximumListIndent
            self.maximumOutputBytes = maximumOutputBytes
            self.maximumInputBytes = maximumInputBytes
        }
    }

    /// The text of a document and whether it was cut at `Limits.maximumInputBytes` or `maximumOutputBytes`.
    public struct Rendering: Sendable, Equatable {
        public var text: String
        public var isTruncated: Bool
        /// What `cuttingQuotedHistory` left out, if anything (see `QuotedStructure`).
        public var quotedHistory: QuotedHistory? = nil
    }

    /// The readable text of an HTML document given as UTF-8 bytes.
    ///
    /// Any `<meta charset>` in the document is ignored: the bytes have already been converted to UTF-8.
    /// Never fails: broken markup is repaired the way libxml2's HTML parser repairs it, and input it
    /// cannot read at all gives an empty string.
    public static func plainText(fromUTF8HTML html: [UInt8]) -> String {
        render(fromUTF8HTML: html, limits: Limits()).text
    }

    /// The readable text of an HTML document given as UTF-8 bytes, within `limits`; with
    /// `cuttingQuotedHistory`, without the reply history its markup marks as quoted.
    public static func render(fromUTF8HTML html: [UInt8], limits: Limits, cuttingQuotedHistory: Bool = false) -> Rendering {
        guard !html.isEmpty else { return Rendering(text: "", isTruncated: false) }
        _ = parserInitialised
        let inputIsCut = html.count > limits.maximumInputBytes
        let document = html.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                htmlReadMemory(characters.baseAddress, Int32(clamping: min(characters.count, max(0, limits.maximumInputBytes))),
                               nil, "UTF-8", parseOptions)
            }
        }
        guard let document else { return Rendering(text: "", isTruncated: false) }
        defer { xmlFreeDoc(document) }
        let quotedHistory = cuttingQuotedHistory ? QuotedStructure.cutRendered(from: document, limits: limits) : nil
        var renderer = PlainTextRenderer(limits: limits)
        renderer.render(from: document.pointee.children)
        var rendering = renderer.finish()
        rendering.isTruncated = rendering.isTruncated || inputIsCut
        rendering.quotedHistory = quotedHistory
        return rendering
    }

    /// Recover from any markup error, print nothing, never fetch anything, and trust the caller's encoding.
    private static let parseOptions = Int32(bitPattern:
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)

    /// libxml2 must be initialised once before it is used from several threads.
    private static let parserInitialised: Void = xmlInitParser()
}
