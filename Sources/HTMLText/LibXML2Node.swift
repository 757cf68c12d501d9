import CLibXML2

/// A node of a libxml2 document tree.
typealias LibXML2Node = UnsafeMutablePointer<xmlNode>

/// Read access to libxml2 nodes: C values become Swift values here and nowhere else.
extension UnsafeMutablePointer where Pointee == xmlNode {
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }

    /// True for text and CDATA nodes, whose `textContent` is visible text.
    var isText: Bool { pointee.type == XML_TEXT_NODE || pointee.type == XML_CDATA_SECTION_NODE }

    /// The element's tag name; libxml2's HTML parser lower-cases it.
    var tagName: String {
        pointee.name.map { String(cString: $0) } ?? ""
    }

    /// The node's own text, as UTF-8 bytes owned by the document (valid until it is freed).
    var textContent: UnsafeBufferPointer<UInt8> {
        guard let content = pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))
    }

    /// The value of the attribute with this lower-case name, entities decoded, or nil if absent.
    func attribute(_ name: String) -> String? {
        var attribute = pointee.properties
        while let current = attribute {
            if let attributeName = current.pointee.name, String(cString: attributeName) == name {
                var value: [UInt8] = []
                var child = current.pointee.children
                while let text = child {
                    value.append(contentsOf: text.textContent)
                    child = text.pointee.next
                }
                return String(decoding: value, as: UTF8.self)
            }
            attribute = current.pointee.next
        }
        return nil
    }
}
