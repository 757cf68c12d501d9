import MailParsing

/// Recognises mail that no person wrote: bounces, auto-replies and bulk mail.
enum AutomatedMail {
    static func skipReason(for message: ParsedMessage) -> SkipReason? {
        if isBounce(message) { return .bounce }
        if isAutoReply(message) { return .autoReply }
        if isBulk(message) { return .bulk }
        return nil
    }

    static func isBounce(_ message: ParsedMessage) -> Bool {
        let type = message.body.contentType
        if type.mimeType == "multipart/report", type.parameters["report-type"]?.lowercased() == "delivery-status" {
            return true
        }
        return message.from.contains { sender in
            let local = sender.localPart.lowercased()
            return local == "mailer-daemon" || local == "postmaster"
        }
    }

    static func isAutoReply(_ message: ParsedMessage) -> Bool {
        let headers = message.headers
        if let autoSubmitted = headers.value("Auto-Submitted"), firstToken(autoSubmitted) != "no" { return true }
        if let autoReply = headers.value("X-Autoreply"), firstToken(autoReply) != "no" { return true }
        if headers["X-Autorespond"] != nil { return true }
        if let precedence = headers.value("Precedence"), firstToken(precedence) == "auto_reply" { return true }
        let type = message.body.contentType
        return type.mimeType == "multipart/report"
            && type.parameters["report-type"]?.lowercased() == "disposition-notification"
    }

    static func isBulk(_ message: ParsedMessage) -> Bool {
        guard let precedence = message.headers.value("Precedence") else { return false }
        let token = firstToken(precedence)
        return token == "bulk" || token == "junk"
    }

    private static func firstToken(_ value: String) -> String {
        let token = value.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "(" }).first ?? ""
        return token.lowercased()
    }
}
