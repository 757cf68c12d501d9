import CLibXML2

/// Walks a parsed HTML document in document order and writes what a reader would see as plain text.
///
/// The walk follows the tree's child, sibling and parent links instead of recursing, so arbitrarily deep
/// nesting costs no stack; what each open element needs at its end is kept in small explicit stacks.
struct PlainTextRenderer {
    private let limits: HTMLText.Limits
    private var writer: PlainTextWriter
    private var openElements: [OpenElement] = []
    private var openParagraphCount = 0
    private var openLists: [ListState] = []
    private var openRowContentMarks: [Int] = []
    private var openLinks: [LinkTarget?] = []
    private var preformattedDepth = 0

    /// What the end of an open element needs to know.
    private struct OpenElement {
        let role: ElementRole
        let isParagraph: Bool
    }

    /// Numbering state of an open `ul` or `ol`.
    private struct ListState {
        let ordered: Bool
        var nextNumber = 1
    }

    init(limits: HTMLText.Limits) {
        self.limits = limits
        writer = PlainTextWriter(maximumQuoteDepth: max(0, limits.maximumQuoteDepth),
                                 maximumBytes: max(0, limits.maximumOutputBytes))
    }

    /// Renders the node, its following siblings and all their descendants, until the output is full.
    mutating func render(from first: LibXML2Node?) {
        var next = first
        while let node = next, !writer.isFull {
            if enter(node), let child = node.pointee.children {
                next = child
                continue
            }
            next = nil
            var finished: LibXML2Node? = node
            while let done = finished {
                exit(done)
                if let sibling = done.pointee.next {
                    next = sibling
                    break
                }
                finished = done.pointee.parent.flatMap { $0.isElement ? $0 : nil }
            }
        }
    }

    /// The rendered text.
    mutating func finish() -> HTMLText.Rendering {
        let isTruncated = writer.isFull
        return HTMLText.Rendering(text: writer.finish(), isTruncated: isTruncated)
    }

    /// Handles the start of a node; returns whether its children are to be visited.
    private mutating func enter(_ node: LibXML2Node) -> Bool {
        if node.isText {
            writer.appendText(node.textContent, preformatted: preformattedDepth > 0)
            return false
        }
        guard node.isElement else { return false }
        let tagName = node.tagName
        let isParagraph = tagName == "p"
        let role = ElementRole(tagName: tagName, classAttribute: isParagraph ? node.attribute("class") : nil,
                               insideParagraph: openParagraphCount > 0)
        openElements.append(OpenElement(role: role, isParagraph: isParagraph))
        if isParagraph {
            openParagraphCount += 1
        }
        switch role {
        case .hidden:
            return false
        case .inline:
            break
        case .block:
            writer.requestBreak(.line)
        case .paragraph:
            writer.requestBreak(.paragraph)
        case .lineBreak:
            writer.requestBreak(.hard)
        case .quote:
            writer.requestBreak(.paragraph)
            writer.quoteDepth += 1
        case .preformatted:
            writer.requestBreak(.paragraph)
            preformattedDepth += 1
        case .list(let ordered):
            writer.requestBreak(openLists.isEmpty ? .paragraph : .line)
            openLists.append(ListState(ordered: ordered))
        case .listItem:
            writer.requestBreak(.line)
            writer.setLinePrefix(nextBullet())
        case .tableRow:
            writer.requestBreak(.line)
            openRowContentMarks.append(writer.contentMark)
        case .tableCell:
            if let rowStart = openRowContentMarks.last {
                if writer.contentMark > rowStart {
                    writer.beginCell()
                }
            } else {
                writer.requestBreak(.line)
            }
        case .link:
            let target = writer.isCapturing ? nil : node.attribute("href").flatMap(LinkTarget.init(href:))
            if target != nil {
                writer.beginCapture()
            }
            openLinks.append(target)
        case .image:
            if let alt = node.attribute("alt") {
                writer.appendText(alt.utf8, preformatted: false)
            }
        }
        return true
    }

    /// Handles the end of a node, after its children.
    private mutating func exit(_ node: LibXML2Node) {
        guard node.isElement, let element = openElements.popLast() else { return }
        if element.isParagraph {
            openParagraphCount -= 1
        }
        switch element.role {
        case .hidden, .inline, .lineBreak, .tableCell, .image:
            break
        case .block:
            writer.requestBreak(.line)
        case .paragraph:
            writer.requestBreak(.paragraph)
        case .quote:
            writer.requestBreak(.paragraph)
            writer.quoteDepth -= 1
        case .preformatted:
            writer.requestBreak(.paragraph)
            preformattedDepth -= 1
        case .list:
            openLists.removeLast()
            writer.requestBreak(openLists.isEmpty ? .paragraph : .line)
        case .listItem:
            writer.requestBreak(.line)
            writer.clearLinePrefix()
        case .tableRow:
            openRowContentMarks.removeLast()
            writer.endRow()
        case .link:
            if let target = openLinks.popLast() ?? nil {
                let text = writer.endCapture()
                if target.addsInformation(toVisibleText: text) {
                    writer.appendText(" (\(target.shown))".utf8, preformatted: false)
                }
            }
        }
    }

    /// "- " in a bulleted list, "3. " in a numbered one, indented two spaces per enclosing list.
    private mutating func nextBullet() -> String {
        let indent = String(repeating: "  ", count: max(0, min(openLists.count - 1, limits.maximumListIndent)))
        guard let list = openLists.last, list.ordered else { return indent + "- " }
        openLists[openLists.count - 1].nextNumber += 1
        return indent + "\(list.nextNumber). "
    }
}
