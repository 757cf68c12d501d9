/// Text from mail or from a server made safe to show a person at a terminal. A crafted From name such as
/// `ESC[2J ESC]0;owned BEL` would otherwise clear the operator's screen and retitle the window; here every control
/// character is replaced by a visible stand-in, so the text reads the same and does nothing:
///
/// - C0 controls (U+0000–U+001F) by their Unicode control pictures, `␀`…`␟` (ESC shows as `␛`, BEL as `␇`,
///   carriage return as `␍`), and DEL (U+007F) by `␡`;
/// - C1 controls (U+0080–U+009F), which have no pictures, by the replacement character `�` (U+FFFD).
///
/// Newline and tab are kept where text may span lines (`explain`, `ledger show`); a log entry is one line, so
/// logs replace newlines too (`␊`). JSON output does not use this: its encoder escapes control characters.
public enum TerminalText {
    /// `text` with every control character except tab (and newline, unless `keepingNewlines` is false) replaced.
    public static func sanitized(_ text: String, keepingNewlines: Bool = true) -> String {
        func isReplaced(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x09: false
            case 0x0A: !keepingNewlines
            case 0x00...0x1F, 0x7F...0x9F: true
            default: false
            }
        }
        guard text.unicodeScalars.contains(where: isReplaced) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isReplaced(scalar) else {
                result.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x00...0x1F: result.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: result.append("\u{2421}")
            default: result.append("\u{FFFD}")
            }
        }
        return String(result)
    }
}
