/// Converts HTML mail bodies to readable text.
public enum HTMLText {
    public static func plainText(fromUTF8HTML html: [UInt8]) -> String { String(decoding: html, as: UTF8.self) }
}
