import CLibXML2

/// Converts the HTML body of a mail to the plain text a reader would see, for notes: block elements
/// become lines, `blockquote` lines are quoted with "> ", links keep their targets when they add
/// information, and everything invisible (head, styles, scripts, comments) is left out.
public enum HTMLText {
    /// The readable text of an HTML document given as UTF-8 bytes.
    ///
    /// Any `<meta charset>` in the document is ignored: the bytes have already been converted to UTF-8.
    /// Never fails: broken markup is repaired the way libxml2's HTML parser repairs it, and input it
    /// cannot read at all gives an empty string.
    public static func plainText(fromUTF8HTML html: [UInt8]) -> String {
        guard !html.isEmpty else { return "" }
        _ = parserInitialised
        let document = html.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                htmlReadMemory(characters.baseAddress, Int32(clamping: characters.count), nil, "UTF-8", parseOptions)
            }
        }
        guard let document else { return "" }
        defer { xmlFreeDoc(document) }
        var renderer = PlainTextRenderer()
        renderer.render(from: document.pointee.children)
        return renderer.finish()
    }

    /// Recover from any markup error, print nothing, never fetch anything, and trust the caller's encoding.
    private static let parseOptions = Int32(bitPattern:
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)

    /// libxml2 must be initialised once before it is used from several threads.
    private static let parserInitialised: Void = xmlInitParser()
}
