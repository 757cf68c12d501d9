/// Unwraps `format=flowed` text (RFC 3676): a line ending in a space continues on the next line
/// of the same quote depth; space-stuffing is removed; with `delsp=yes` the trailing space is dropped.
enum FlowedText {
    static func unwrap(_ text: String, deletesSpace: Bool) -> String {
        var output: [Substring] = []
        var paragraph = ""
        var paragraphDepth = -1
        var open = false

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = rawLine
            var depth = 0
            while line.first == ">" {
                depth += 1
                line = line.dropFirst()
            }
            if line.first == " " { line = line.dropFirst() } // space-stuffing
            let isSignatureSeparator = line == "-- "
            let isFlowed = !isSignatureSeparator && line.last == " "

            if open && depth != paragraphDepth {
                output.append(Substring(paragraph))
                open = false
            }
            if !open {
                paragraph = String(repeating: ">", count: depth) + (depth > 0 ? " " : "")
                paragraphDepth = depth
            }
            paragraph += isFlowed && deletesSpace ? line.dropLast() : line
            open = isFlowed
            if !open { output.append(Substring(paragraph)) }
        }
        if open { output.append(Substring(paragraph)) }
        return output.joined(separator: "\n")
    }
}
