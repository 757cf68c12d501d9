import FuzzHarness
import MailParsing

/// Header text as it arrives in mail: RFC 2047 encoded words in any charset, and raw bytes in a
/// declared charset. The input's first line (up to 64 bytes) is taken as a charset name for the
/// charset decoder; the whole input is also decoded as a header value.
enum EncodedWordsFuzzTarget {
    static func run(_ input: [UInt8]) -> String {
        let header = EncodedWords.decode(input)
        let newline = input.prefix(64).firstIndex(of: UInt8(ascii: "\n"))
        let charset = newline.map { String(decoding: input[..<$0], as: UTF8.self) }
        let text = newline.map { input[($0 + 1)...] } ?? input[...]
        let decoded = CharsetDecoder.decode(text, charset: charset)
        return "header value: \(header.utf8.count) bytes; as \(charset ?? "no charset"): "
            + "\(decoded.utf8.count) bytes"
    }
}

@main
enum EncodedWordsFuzzer {
    static func main() { FuzzEntry.main(EncodedWordsFuzzTarget.run) }
}
