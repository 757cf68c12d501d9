import CEtPan

/// The elements of a libetpan `clist`, as typed pointers. Written once so that no other code walks
/// a `clist` by hand.
struct CList<Element>: Sequence {
    let list: UnsafeMutablePointer<clist>?

    init(_ list: UnsafeMutablePointer<clist>?, of type: Element.Type = Element.self) {
        self.list = list
    }

    func makeIterator() -> AnyIterator<UnsafeMutablePointer<Element>> {
        var cursor = cetpan_clist_begin(list)
        return AnyIterator {
            while let current = cursor {
                cursor = cetpan_clist_next(current)
                if let content = cetpan_clist_content(current) {
                    return content.assumingMemoryBound(to: Element.self)
                }
            }
            return nil
        }
    }
}
