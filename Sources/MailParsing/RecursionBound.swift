/// How deep libetpan's recursive parser can go on these bytes, whatever their structure turns out
/// to be, measured in one pass. Two things make it recurse:
///
/// - MIME levels: every level below the message itself needs a `boundary` parameter or an `rfc822`
///   subtype in its header (a part of a `multipart/digest` is an embedded message by default, below a
///   multipart that named a boundary), so it nests at most `2 + 2 × structureWords` levels.
/// - Comments in header fields, `(a (b (c)))`: one level per open parenthesis. A comment ends with
///   its field, at a line break not followed by a space or tab, so no comment nests deeper than the
///   most parentheses left open on any (folded) line.
struct RecursionBound {
    /// `boundary` and `rfc822` words, counted up to one more than the limit asked for.
    var structureWords = 0
    /// The most parentheses open at once on one line and its continuation lines.
    var commentDepth = 0

    /// The MIME levels libetpan can nest.
    var structureLevels: Int { 2 + 2 * structureWords }

    static func measure(_ raw: UnsafeRawBufferPointer, stoppingAfterWords limit: Int) -> RecursionBound {
        var bound = RecursionBound()
        var depth = 0
        var index = 0
        let end = raw.count
        byteKinds.withUnsafeBufferPointer { kinds in
            while index < end {
                // Sixteen bytes at a time past those that change nothing (base64 is almost all of a large
                // message): no parenthesis, no line feed while a comment is open, no "bo" or "rf" in any case.
                if index + Chunk.scalarCount < end, !mayMatter(raw, at: index, commentIsOpen: depth > 0) {
                    index += Chunk.scalarCount
                    continue
                }
                let byte = raw[index]
                switch kinds[Int(byte)] {
                case ByteKind.other:
                    index += 1
                case ByteKind.open:
                    depth += 1
                    bound.commentDepth = max(bound.commentDepth, depth)
                    index += 1
                case ByteKind.close:
                    depth = max(0, depth - 1)
                    index += 1
                case ByteKind.lineFeed:
                    if index + 1 < end, raw[index + 1] != UInt8(ascii: " "), raw[index + 1] != UInt8(ascii: "\t") { depth = 0 }
                    index += 1
                default:
                    let word = byte | 0x20 == UInt8(ascii: "b") ? boundary : rfc822
                    // The second letter rules out most starts (base64 is full of b and r) before the whole word is compared.
                    guard index + 1 < end, raw[index + 1] | 0x20 == word[1], bound.structureWords <= limit,
                          matches(raw, at: index, word) else {
                        index += 1
                        continue
                    }
                    index += word.count
                    if index >= end || !isTokenContinuation(raw[index]) { bound.structureWords += 1 }
                }
            }
        }
        return bound
    }

    private typealias Chunk = SIMD16<UInt8>

    /// Whether any of the 16 bytes at `index` can change the bound; the byte after them is read too, for
    /// a word's second letter.
    @inline(__always)
    private static func mayMatter(_ raw: UnsafeRawBufferPointer, at index: Int, commentIsOpen: Bool) -> Bool {
        let bytes = raw.loadUnaligned(fromByteOffset: index, as: Chunk.self)
        let lower = bytes | Chunk(repeating: 0x20)
        let next = raw.loadUnaligned(fromByteOffset: index + 1, as: Chunk.self) | Chunk(repeating: 0x20)
        var matters = bytes .== Chunk(repeating: UInt8(ascii: "(")) .| bytes .== Chunk(repeating: UInt8(ascii: ")"))
        matters .|= lower .== Chunk(repeating: UInt8(ascii: "b")) .& next .== Chunk(repeating: UInt8(ascii: "o"))
        matters .|= lower .== Chunk(repeating: UInt8(ascii: "r")) .& next .== Chunk(repeating: UInt8(ascii: "f"))
        if commentIsOpen { matters .|= bytes .== Chunk(repeating: UInt8(ascii: "\n")) }
        // `any(_:)` is a reduction the compiler leaves as a call; the 16 lanes read as two words are one OR.
        let lanes = unsafeBitCast(matters, to: SIMD2<UInt64>.self)
        return lanes[0] | lanes[1] != 0
    }

    private enum ByteKind {
        static let other: UInt8 = 0
        static let open: UInt8 = 1
        static let close: UInt8 = 2
        static let lineFeed: UInt8 = 3
        static let wordStart: UInt8 = 4
    }

    /// What each byte value may start, so that the loop passes over the others with one look-up.
    private static let byteKinds: [UInt8] = {
        var kinds = [UInt8](repeating: ByteKind.other, count: 256)
        kinds[Int(UInt8(ascii: "("))] = ByteKind.open
        kinds[Int(UInt8(ascii: ")"))] = ByteKind.close
        kinds[Int(UInt8(ascii: "\n"))] = ByteKind.lineFeed
        for letter in "bBrR".utf8 { kinds[Int(letter)] = ByteKind.wordStart }
        return kinds
    }()

    private static let boundary = Array("boundary".utf8)
    private static let rfc822 = Array("rfc822".utf8)

    /// Whether the word goes on: then it is not the parameter name or subtype libetpan compares.
    private static func isTokenContinuation(_ byte: UInt8) -> Bool {
        byte > 32 && byte < 127 && !"()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }

    private static func matches(_ raw: UnsafeRawBufferPointer, at index: Int, _ word: [UInt8]) -> Bool {
        guard index + word.count <= raw.count else { return false }
        for offset in 0..<word.count where raw[index + offset].asciiLowercased != word[offset] { return false }
        return true
    }
}
