/// Where an `a` element points, when showing it after the link's text would tell the reader something:
/// web addresses and mail addresses only, never page anchors, relative paths or scripts.
struct LinkTarget: Equatable {
    /// What is shown in parentheses after the link's text: the URL, or the bare mail address.
    let shown: String

    init?(href: String) {
        let href = href.trimmingSpaces()
        let lowercased = href.lowercased()
        if lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") {
            shown = href
        } else if lowercased.hasPrefix("mailto:") {
            let address = href.dropFirst("mailto:".count).prefix { $0 != "?" }
            guard !address.isEmpty else { return nil }
            shown = String(address)
        } else {
            return nil
        }
    }

    /// Whether the target says more than the link's visible text: not when the text is empty
    /// (nothing to attach it to) and not when the text already is the address.
    func addsInformation(toVisibleText text: String) -> Bool {
        let visible = Self.comparable(text)
        return !visible.isEmpty && visible != Self.comparable(shown)
    }

    /// The address without the parts people leave out when they write it as text.
    private static func comparable(_ address: String) -> Substring {
        var address = Substring(address.trimmingSpaces().lowercased())
        for prefix in ["http://", "https://", "mailto:"] where address.hasPrefix(prefix) {
            address = address.dropFirst(prefix.count)
        }
        if address.hasPrefix("www.") {
            address = address.dropFirst("www.".count)
        }
        while address.hasSuffix("/") {
            address = address.dropLast()
        }
        return address
    }
}

extension String {
    /// The string without leading and trailing whitespace (including no-break spaces).
    func trimmingSpaces() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...lastIndex(where: { !$0.isWhitespace })!])
    }
}
