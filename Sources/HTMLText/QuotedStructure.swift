import CLibXML2

/// The quoted history of an HTML reply, found in the markup mail clients write around it and taken out
/// of the document before it is converted to text, so that no guess from the text is needed:
///
/// - Gmail's `div.gmail_quote` (its "On … wrote:" line included);
/// - `blockquote[type=cite]` as Apple Mail and Thunderbird write it, with Thunderbird's
///   `.moz-cite-prefix` attribution right above it;
/// - Yahoo's `.yahoo_quoted`;
/// - Outlook's `#divRplyFwdMsg` header, Outlook on the web's `#appendonsend` marker, Outlook for
///   Windows' header block set apart by a `border-top` style, and Outlook mobile's
///   `#mail-editor-reference-message-container`: these start the history, which runs to the end.
///
/// A quoting element is cut only when nothing visible follows it: one that the sender answers below is
/// an inline reply and stays (the text rules deal with it). A forward is never cut: when the part to cut
/// says it is one ("Forwarded message", "Begin forwarded message:" just above it, or a subject that starts
/// with "FW:"/"Fwd:"/"WG:"/…), the document stays whole.
enum QuotedStructure {
    /// Which markup said what is quoted; the raw value names it in `notegate explain --trimmed`.
    enum Rule: String, Sendable {
        case gmailQuote = "html:gmail_quote"
        case citeBlockquote = "html:blockquote-cite"
        case thunderbirdCitePrefix = "html:moz-cite-prefix"
        case yahooQuoted = "html:yahoo_quoted"
        case outlookReplyHeader = "html:divRplyFwdMsg"
        case outlookAppendOnSend = "html:appendonsend"
        case outlookBorderTop = "html:border-top"
        case outlookMobileReference = "html:mail-editor-reference-message-container"

        /// Whether the history starts here and runs to the end of the document (Outlook puts the quoted
        /// message after its header, not inside it).
        var runsToTheEnd: Bool {
            switch self {
            case .outlookReplyHeader, .outlookAppendOnSend, .outlookBorderTop, .outlookMobileReference: true
            default: false
            }
        }
    }

    /// A quoting element found in the walk, with its place in document order.
    private struct Candidate {
        let node: LibXML2Node
        let rule: Rule
        /// The first node to cut: the element, or the attribution element right above it.
        var first: LibXML2Node
        /// Document-order numbers: the first node of the cut and the first node after the element.
        var start: Int
        var end = Int.max
    }

    /// Takes the quoted history out of `document` and returns the rule that found it and the nodes taken
    /// out, in document order, unlinked: the caller renders them if it wants to and frees them.
    static func cut(from document: UnsafeMutablePointer<xmlDoc>) -> (rule: Rule, nodes: [LibXML2Node])? {
        var candidates: [Candidate] = []
        var visibleText: [Int] = []
        var open: [(node: LibXML2Node, candidate: Int)] = []
        var citePrefix: (node: LibXML2Node, start: Int)?
        var order = 0
        var next = document.pointee.children
        while let node = next {
            order += 1
            var descend = false
            if node.isText {
                if hasVisibleCharacter(node.textContent) { visibleText.append(order) }
            } else if node.isElement, !hiddenTags.contains(node.tagName) {
                descend = true
                if var candidate = candidate(node, order: order) {
                    if candidate.rule == .thunderbirdCitePrefix {
                        citePrefix = (node, order)
                    } else {
                        if candidate.rule == .citeBlockquote, let prefix = citePrefix,
                           previousElement(of: node) == prefix.node {
                            candidate.start = prefix.start
                            candidate.first = prefix.node
                        }
                        open.append((node, candidates.count))
                        candidates.append(candidate)
                    }
                }
            }
            if descend, let child = node.pointee.children {
                next = child
                continue
            }
            next = nil
            var finished: LibXML2Node? = node
            while let done = finished {
                if let last = open.last, last.node == done {
                    candidates[last.candidate].end = order + 1
                    open.removeLast()
                }
                if let sibling = done.pointee.next {
                    next = sibling
                    break
                }
                finished = done.pointee.parent.flatMap { $0.isElement ? $0 : nil }
            }
        }
        guard let chosen = choose(candidates, visibleText: visibleText) else { return nil }
        let first = candidates[chosen].first
        let nodes = nodesToTheEnd(from: first)
        guard !isForward(nodes, after: first) else { return nil }
        nodes.forEach { xmlUnlinkNode($0) }
        return (candidates[chosen].rule, nodes)
    }

    /// The first quoting element that runs to the end, or an earlier one after which nothing visible
    /// comes before it.
    private static func choose(_ candidates: [Candidate], visibleText: [Int]) -> Int? {
        let toTheEnd = candidates.firstIndex { $0.rule.runsToTheEnd }
        let limit = toTheEnd.map { candidates[$0].start } ?? Int.max
        for (index, candidate) in candidates.enumerated() where !candidate.rule.runsToTheEnd && candidate.start < limit {
            if firstAtOrAfter(candidate.end, in: visibleText).map({ $0 >= limit }) ?? true {
                return index
            }
        }
        return toTheEnd
    }

    /// The first number in the sorted `numbers` that is at least `value`.
    private static func firstAtOrAfter(_ value: Int, in numbers: [Int]) -> Int? {
        var low = 0
        var high = numbers.count
        while low < high {
            let middle = (low + high) / 2
            if numbers[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < numbers.count ? numbers[low] : nil
    }

    private static func candidate(_ node: LibXML2Node, order: Int) -> Candidate? {
        let tagName = node.tagName
        if let id = node.attribute("id") {
            if id.hasPrefix("divRplyFwdMsg") { return Candidate(node: node, rule: .outlookReplyHeader, first: node, start: order) }
            if id == "appendonsend" { return Candidate(node: node, rule: .outlookAppendOnSend, first: node, start: order) }
            if id == "mail-editor-reference-message-container" {
                return Candidate(node: node, rule: .outlookMobileReference, first: node, start: order)
            }
            if id.hasPrefix("yahoo_quoted") { return Candidate(node: node, rule: .yahooQuoted, first: node, start: order) }
        }
        if tagName == "blockquote", node.attribute("type")?.lowercased() == "cite" {
            return Candidate(node: node, rule: .citeBlockquote, first: node, start: order)
        }
        if let classes = node.attribute("class") {
            let names = classes.split(separator: " ")
            if tagName == "div", names.contains("gmail_quote") || names.contains("gmail_quote_container") {
                return Candidate(node: node, rule: .gmailQuote, first: node, start: order)
            }
            if names.contains("moz-cite-prefix") { return Candidate(node: node, rule: .thunderbirdCitePrefix, first: node, start: order) }
            if names.contains("yahoo_quoted") { return Candidate(node: node, rule: .yahooQuoted, first: node, start: order) }
        }
        if tagName == "div", let style = node.attribute("style"), isOutlookHeaderSeparator(style),
           startsWithHeaderField(node) {
            return Candidate(node: node, rule: .outlookBorderTop, first: node, start: order)
        }
        return nil
    }

    /// `border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm`, as Outlook writes it.
    private static func isOutlookHeaderSeparator(_ style: String) -> Bool {
        let compact = style.lowercased().filter { !$0.isWhitespace }
        return compact.contains("border-top:solid") && compact.contains("border:none")
    }

    /// Whether the element's text starts with a field name and a colon ("From:", "Von:", "De :", "发件人:").
    private static func startsWithHeaderField(_ node: LibXML2Node) -> Bool {
        let text = leadingText(of: [node], limit: 40).drop { $0.isWhitespace }
        guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return false }
        let name = text[..<colon].trimmingSpaces
        return !name.isEmpty && name.count <= 16 && !name.contains(where: \.isNumber)
    }

    /// The node and everything after it in document order: its following siblings and those of each
    /// of its ancestors.
    private static func nodesToTheEnd(from first: LibXML2Node) -> [LibXML2Node] {
        var nodes: [LibXML2Node] = []
        var current: LibXML2Node? = first
        while let start = current {
            var sibling: LibXML2Node? = start
            while let node = sibling {
                nodes.append(node)
                sibling = node.pointee.next
            }
            current = nil
            var ancestor = start.pointee.parent
            while let element = ancestor, element.isElement {
                if let next = element.pointee.next {
                    current = next
                    break
                }
                ancestor = element.pointee.parent
            }
        }
        return nodes
    }

    /// Whether the part to cut is a forwarded message: its first text, or the text just above it, says so.
    private static func isForward(_ nodes: [LibXML2Node], after first: LibXML2Node) -> Bool {
        var above: [LibXML2Node] = []
        var previous = first.pointee.prev
        while let node = previous, above.count < 3 {
            above.insert(node, at: 0)
            previous = node.pointee.prev
        }
        let text = (leadingText(of: above, limit: 300) + " " + leadingText(of: nodes, limit: 1500)).lowercased()
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        // Mostly the text is ASCII: then each character is one byte, so a caption or field is in it exactly when
        // its bytes are, and one that is not ASCII (none is equivalent to ASCII) is not in it. Those its bytes
        // rule out are not searched for character by character.
        let textIsASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let mayContain = { (needle: String) in !textIsASCII || containsBytes(text, needle) }
        if forwardCaptions.contains(where: { mayContain($0) && text.contains($0) }) { return true }
        for field in subjectFields where mayContain(field) {
            var rest = Substring(text)
            while let range = rest.firstRange(of: field) {
                let value = rest[range.upperBound...].drop { $0.isWhitespace || $0 == "*" }
                if let colon = value.prefix(8).firstIndex(where: { $0 == ":" || $0 == "：" }),
                   forwardPrefixes.contains(value[..<colon].trimmingSpaces) {
                    return true
                }
                rest = rest[range.upperBound...]
            }
        }
        return false
    }

    /// Whether the UTF-8 of `needle` occurs in the UTF-8 of `text`.
    private static func containsBytes(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
                var index = 0
                while index <= haystack.count - needle.count {
                    if haystack[index] == first,
                       UnsafeBufferPointer(rebasing: haystack[index..<(index + needle.count)]).elementsEqual(needle) {
                        return true
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// The visible text at the start of `nodes`, up to about `limit` bytes.
    private static func leadingText(of nodes: [LibXML2Node], limit: Int) -> String {
        var bytes: [UInt8] = []
        for root in nodes where bytes.count < limit {
            var next: LibXML2Node? = root
            while let node = next, bytes.count < limit {
                if node.isText {
                    bytes.append(contentsOf: node.textContent.prefix(limit - bytes.count))
                    bytes.append(UInt8(ascii: " "))
                }
                let descend = node.isElement && !hiddenTags.contains(node.tagName)
                if descend, let child = node.pointee.children {
                    if node.tagName != "span" && node.tagName != "b" { bytes.append(UInt8(ascii: "\n")) }
                    next = child
                    continue
                }
                next = nil
                var finished: LibXML2Node? = node
                while let done = finished, done != root {
                    if let sibling = done.pointee.next {
                        next = sibling
                        break
                    }
                    finished = done.pointee.parent
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func previousElement(of node: LibXML2Node) -> LibXML2Node? {
        var previous = node.pointee.prev
        while let current = previous {
            if current.isElement, current.tagName != "br" { return current }
            if current.isText, hasVisibleCharacter(current.textContent) { return nil }
            previous = current.pointee.prev
        }
        return nil
    }

    /// Any byte that is not ASCII whitespace, other than a no-break space (C2 A0).
    private static func hasVisibleCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C: index += 1
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0: index += 2
            default: return true
            }
        }
        return false
    }

    private static let hiddenTags: Set = ["head", "style", "script", "title", "template"]

    private static let forwardCaptions = [
        "forwarded message", "begin forwarded message", "weitergeleitete nachricht", "message transféré",
        "début du message réexpédié", "mensaje reenviado", "doorgestuurd bericht", "mensagem encaminhada",
        "messaggio inoltrato", "пересылаемое сообщение", "videresendt", "vidarebefordrat", "välitetty viesti",
        "przekazana dalej", "přeposlaná zpráva", "转发", "轉寄", "転送",
    ]

    private static let subjectFields = [
        "subject:", "betreff:", "objet :", "objet:", "asunto:", "assunto:", "oggetto:", "onderwerp:", "тема:",
        "ämne:", "emne:", "aihe:", "temat:", "předmět:", "konu:", "件名:", "主题:", "主旨:", "제목:",
    ]

    private static let forwardPrefixes: Set<Substring> = [
        "fw", "fwd", "wg", "tr", "rv", "doorst", "enc", "vs", "vb", "vl", "pd", "i", "转发", "轉寄", "пересл",
    ]
}

private extension Substring {
    var trimmingSpaces: Substring {
        var text = drop { $0.isWhitespace }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}

extension HTMLText {
    /// Quoted history left out of a rendering: which markup marked it (`html:gmail_quote`, …) and its text.
    public struct QuotedHistory: Sendable, Equatable {
        public var rule: String
        public var text: String
    }
}

extension QuotedStructure {
    /// Takes the quoted history out of `document` and renders what was taken out, within `limits`.
    static func cutRendered(from document: UnsafeMutablePointer<xmlDoc>, limits: HTMLText.Limits) -> HTMLText.QuotedHistory? {
        guard let (rule, nodes) = cut(from: document) else { return nil }
        var renderer = PlainTextRenderer(limits: limits)
        for node in nodes {
            renderer.render(from: node)
            xmlFreeNode(node)
        }
        return HTMLText.QuotedHistory(rule: rule.rawValue, text: renderer.finish().text)
    }
}
