import FuzzHarness
import HTMLText

/// HTML mail bodies → the plain text a note carries (libxml2's HTML parser and notegate's renderer).
enum HTMLFuzzTarget {
    static func run(_ input: [UInt8]) -> String {
        "\(HTMLText.plainText(fromUTF8HTML: input).utf8.count) bytes of text"
    }
}

@main
enum HTMLFuzzer {
    static func main() { FuzzEntry.main(HTMLFuzzTarget.run) }
}
