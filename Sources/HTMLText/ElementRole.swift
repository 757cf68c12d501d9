/// How an HTML element shapes the plain text, decided by its tag name alone (no CSS).
enum ElementRole: Equatable {
    /// Not shown at all, nor its content: `head`, `style`, `script`, …
    case hidden
    /// Text flows through it: `span`, `b`, `font`, and every unknown element.
    case inline
    /// Starts and ends a line: `div`, `table`, `center`, …
    case block
    /// Starts and ends a line with a blank line around it, like a browser's paragraph margins.
    case paragraph
    /// `br`: ends the line even if it is empty.
    case lineBreak
    /// `blockquote`: its lines are prefixed with "> ".
    case quote
    /// `pre`: spaces and line breaks kept as written.
    case preformatted
    /// `ul`, `ol`, `menu`: numbered when ordered.
    case list(ordered: Bool)
    /// `li`: one line starting with a bullet or number.
    case listItem
    /// `tr`: one line of cells.
    case tableRow
    /// `td`, `th`: separated from the previous cell of its row by " | ".
    case tableCell
    /// `a`: its target is shown after its text when it adds information.
    case link
    /// `img`: shown as its alt text.
    case image

    /// The role of an element with this lower-case tag name. For `p`, `classAttribute` and whether it
    /// is inside another `p` matter, because of how Outlook writes paragraphs (see below).
    init(tagName: String, classAttribute: String?, insideParagraph: Bool) {
        guard tagName == "p" else {
            self = Self.byTagName[tagName] ?? .inline
            return
        }
        if insideParagraph {
            // A `p` cannot contain a `p`; this is Outlook's `<o:p>`, which libxml2 reads as `p` after
            // dropping the namespace prefix. It only holds inline text.
            self = .inline
        } else if let classAttribute, classAttribute.split(separator: " ").contains("MsoNormal") {
            // Outlook zeroes the margins of its MsoNormal paragraphs and writes blank lines as
            // explicit `&nbsp;` paragraphs, so each one is a single line, not a spaced paragraph.
            self = .block
        } else {
            self = .paragraph
        }
    }

    private static let byTagName: [String: ElementRole] = {
        var roles: [String: ElementRole] = [:]
        for name in ["head", "style", "script", "title", "noscript", "template"] {
            roles[name] = .hidden
        }
        for name in ["div", "center", "address", "article", "aside", "section", "header", "footer", "nav",
                     "main", "figure", "figcaption", "form", "fieldset", "legend", "details", "summary",
                     "dl", "dt", "dd", "table", "caption"] {
            roles[name] = .block
        }
        for name in ["p", "h1", "h2", "h3", "h4", "h5", "h6", "hr"] {
            roles[name] = .paragraph
        }
        for name in ["pre", "xmp", "listing", "plaintext"] {
            roles[name] = .preformatted
        }
        roles["br"] = .lineBreak
        roles["blockquote"] = .quote
        roles["ul"] = .list(ordered: false)
        roles["menu"] = .list(ordered: false)
        roles["ol"] = .list(ordered: true)
        roles["li"] = .listItem
        roles["tr"] = .tableRow
        roles["td"] = .tableCell
        roles["th"] = .tableCell
        roles["a"] = .link
        roles["img"] = .image
        return roles
    }()
}
