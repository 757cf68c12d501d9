import Testing
@testable import MailParsing

private func crlf(_ text: String) -> [UInt8] {
    Array(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n").utf8)
}

/// A message whose body nests `levels` times with the given header for each level.
private func nested(_ levels: Int, _ level: (Int) -> String) -> [UInt8] {
    var text = "From: a@x.example\nSubject: deep\n"
    for index in 0..<levels { text += level(index) }
    return crlf(text + "Content-Type: text/plain\n\nbottom\n")
}

private func budgetError(_ bytes: [UInt8], _ parser: MessageParser = MessageParser()) -> MessageParseError? {
    do {
        _ = try parser.parse(bytes)
        return nil
    } catch {
        return error
    }
}

@Suite struct MessageBudgetTests {
    /// Every way to write a nesting level that libetpan (or a more lenient reader) follows.
    static let nestingForms: [(name: String, level: @Sendable (Int) -> String)] = [
        ("quoted", { "Content-Type: multipart/mixed; boundary=\"b\($0)\"\n\n--b\($0)\n" }),
        ("bare", { "Content-Type: multipart/mixed; boundary=b\($0)\n\n--b\($0)\n" }),
        ("space before =", { "Content-Type: multipart/mixed; boundary =\"b\($0)\"\n\n--b\($0)\n" }),
        ("spaces around = and capitals", { "content-TYPE: Multipart/Mixed; BOUNDARY = b\($0)\n\n--b\($0)\n" }),
        ("folded over lines", { "Content-Type:\n multipart/mixed;\n\tboundary=\n \"b\($0)\"\n\n--b\($0)\n" }),
        ("comments and space before the colon", { "Content-Type (x) : multipart/mixed (y); boundary=(z)b\($0)\n\n--b\($0)\n" }),
        ("RFC 2231 only", {
            "Content-Type: multipart/mixed; boundary*0*=us-ascii'en'b" + "\($0)".utf8.map { "%\(String($0, radix: 16))" }.joined()
                + "\n\n--b\($0)\n"
        }),
        ("RFC 2231 continuation", { "Content-Type: multipart/mixed; boundary*0=\"b\"; boundary*1=\"\($0)\"\n\n--b\($0)\n" }),
        ("message/rfc822", { _ in "Content-Type: message/rfc822\n\n" }),
        ("message/global", { _ in "Content-Type: Message/Global\n\n" }),
        ("digest default parts", { "Content-Type: multipart/digest; boundary=d\($0)\n\n--d\($0)\n\n" }),
    ]

    @Test(arguments: nestingForms.indices)
    func nestingBeyondTheBudgetIsRefusedInEveryForm(_ form: Int) {
        let error = budgetError(nested(40, Self.nestingForms[form].level))
        #expect(error == .tooDeep(limit: 32), "\(Self.nestingForms[form].name)")
        #expect(error?.isBudgetExceeded == true)
    }

    @Test func nestingWithinTheBudgetIsParsed() throws {
        var text = "From: a@x.example\n"
        for level in 0..<30 { text += "Content-Type: multipart/mixed; boundary=\"b\(level)\"\n\n--b\(level)\n" }
        text += "Content-Type: text/plain\n\nbottom\n"
        for level in (0..<30).reversed() { text += "--b\(level)--\n" }
        var part = try MessageParser().parse(crlf(text)).body
        var depth = 0
        while let child = part.children.first {
            part = child
            depth += 1
        }
        #expect(depth == 30)
        #expect(part.contentType.mimeType == "text/plain")
    }

    @Test func siblingMultipartsDoNotAddUpToDepth() throws {
        var text = "From: a@x.example\nContent-Type: multipart/mixed; boundary=outer\n\n"
        for index in 0..<200 {
            text += "--outer\nContent-Type: multipart/alternative; boundary=\"inner\(index)\"\n\n--inner\(index)\n"
                + "Content-Type: text/plain\n\npart \(index)\n--inner\(index)--\n"
        }
        let message = try MessageParser().parse(crlf(text + "--outer--\n"))
        #expect(message.body.children.count == 200)
    }

    @Test func aMultipartWithMorePartsThanTheBudgetIsRefused() throws {
        let flat = { (parts: Int) in
            crlf("From: a@x.example\nContent-Type: multipart/mixed; boundary=p\n\n"
                + String(repeating: "--p\n\nx\n", count: parts) + "--p--\n")
        }
        #expect(try MessageParser().parse(flat(999)).body.children.count == 999)
        #expect(budgetError(flat(1_001)) == .tooManyParts(limit: 1_000))
    }

    @Test func headerFieldsAreCountedInEveryHeaderBlock() {
        let fields = String(repeating: "X-H: v\n", count: 6_000)
        let message = crlf("From: a@x.example\n\(fields)Content-Type: message/rfc822\n\n\(fields)\nbody\n")
        #expect(budgetError(message) == .tooManyHeaderFields(limit: 10_000))
    }

    @Test func aHeaderBlockOverItsBudgetIsRefused() {
        let long = String(repeating: "a", count: 2 << 20)
        #expect(budgetError(crlf("From: a@x.example\nX-Long: \(long)\n\nbody\n")) == .headerBlockTooLarge(limit: 1 << 20))
    }

    @Test func allHeaderBlocksTogetherHaveABudget() {
        let block = "X-Long: " + String(repeating: "a", count: 900_000) + "\n"
        let part = "--b\nContent-Type: message/rfc822\n\n\(block)Subject: inner\n\nbody\n"
        let message = crlf("From: a@x.example\nContent-Type: multipart/mixed; boundary=b\n\n" + String(repeating: part, count: 3) + "--b--\n")
        #expect(budgetError(message) == .headersTooLarge(limit: 2 << 20))
    }

    @Test func aPartThatForgotItsEmptyLineIsNotAHugeHeader() throws {
        let lines = String(repeating: "Plain text, not a header field.\n", count: 40_000)
        let message = try MessageParser().parse(crlf("From: a@x.example\nContent-Type: multipart/mixed; boundary=b\n\n"
            + "--b\n\(lines)--b--\n"))
        #expect(message.body.children.count == 1)
    }

    @Test func aMessageHeaderGoesOnPastJunkLines() {
        // `HeaderFields.parse` reads fields after a junk line, so they count for the budget.
        let fields = String(repeating: "X-H: v\n", count: 10_001)
        #expect(budgetError(crlf("From: a@x.example\njunk line\n\(fields)\nbody\n")) == .tooManyHeaderFields(limit: 10_000))
    }

    @Test func longHeaderValuesAreCutNotRefused() throws {
        let long = String(repeating: "word ", count: 20_000)
        let message = try MessageParser().parse(crlf("From: a@x.example\nSubject: [#1] \(long)\n more\n\nbody\n"))
        #expect(message.headers["Subject"]?.rawValue.count == 16 << 10)
        #expect(message.subject?.hasPrefix("[#1] word word") == true)
    }

    @Test func tooManyStructureWordsAreRefusedBeforeLibetpanRuns() {
        let text = String(repeating: "see the boundary parameter\n", count: 5_000)
        #expect(budgetError(crlf("From: a@x.example\n\n\(text)")) == .tooManyDeclarations(limit: 4_096))
    }

    @Test func textPastTheTextBudgetIsNotDecoded() throws {
        let parser = MessageParser(budget: MessageBudget(maximumTextBytes: 1_000))
        let body = String(repeating: "Gr=C3=BC=C3=9Fe =\n", count: 2_000)
        let message = try parser.parse(crlf("""
            From: a@x.example
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            \(body)
            --b
            Content-Type: text/plain

            second part
            --b--
            """))
        guard case .text(let first) = message.body.children[0].content,
              case .text(let second) = message.body.children[1].content else {
            Issue.record("expected two text parts")
            return
        }
        #expect(first.bytes.count == 1_000)
        #expect(first.isTruncated)
        #expect(first.text.hasPrefix("Grüße Grüße"))
        #expect(second.bytes.isEmpty, "the budget is for all text parts together")
        #expect(second.isTruncated)
    }

    @Test func shortTextIsNotMarkedTruncated() throws {
        let message = try MessageParser().parse(crlf("From: a@x.example\n\nhello\n"))
        guard case .text(let body) = message.body.content else {
            Issue.record("expected a text body")
            return
        }
        #expect(!body.isTruncated)
    }

    /// libetpan reads nested comments by recursion, in every header it parses.
    static let commentPlaces: [(name: String, message: @Sendable (String) -> String)] = [
        ("From of the message", { "From: \($0) a@x.example\nSubject: x\n\nbody\n" }),
        ("Content-Type of a part", {
            "From: a@x.example\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain \($0)\n\nhi\n--b--\n"
        }),
        ("To of a forwarded message", {
            "From: a@x.example\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
                + "From: c@x.example\nTo: \($0) d@x.example\n\nhi\n--b--\n"
        }),
        ("a folded Date", { "From: a@x.example\nDate: Tue, 24 Nov 2026\n \($0)\n\nbody\n" }),
    ]

    @Test(arguments: commentPlaces.indices)
    func deeplyNestedCommentsAreParsedOnAStackThatHoldsThem(_ place: Int) async throws {
        // From a Swift concurrency thread, as the gateway parses.
        let nested = String(repeating: "(", count: 9_000) + String(repeating: ")", count: 9_000)
        let message = try await Task { try MessageParser().parse(crlf(Self.commentPlaces[place].message(nested))) }.value
        #expect(message.headers["From"] != nil)
    }

    @Test(arguments: commentPlaces.indices)
    func commentsNestedBeyondTheBudgetAreRefused(_ place: Int) {
        let nested = String(repeating: "(", count: 10_001)
        #expect(budgetError(crlf(Self.commentPlaces[place].message(nested))) == .commentsTooDeep(limit: 10_000))
    }

    @Test func parenthesesOnSeparateLinesDoNotAddUp() throws {
        let body = String(repeating: "((((( smile\n", count: 50_000)
        #expect(try MessageParser().parse(crlf("From: a@x.example\n\n\(body)")).from.count == 1)
    }

    @Test func aParseRunsOnAStackThatHoldsLibetpansDeepestRecursion() {
        // With the nesting budget lifted, libetpan and the conversion recurse 3,000 levels: far more
        // than the stack of a Swift concurrency thread holds, but the parse thread is sized for it.
        let parser = MessageParser(budget: MessageBudget(maximumDepth: 10_000, maximumParts: 10_000))
        let raw = nested(3_000) { _ in "Content-Type: message/rfc822\n\n" }
        // The deep result is also freed recursively, so it is dropped on a thread of the same size.
        let depth = ParsingThread.runOnNewThread(stackBytes: 256 << 20) { () -> Int? in
            guard var message = try? parser.parse(raw) else { return nil }
            var depth = 0
            while case .message(let embedded) = message.body.content {
                message = embedded
                depth += 1
            }
            return depth
        }
        #expect(depth == 3_000)
    }
}

@Suite struct EncodedWordBudgetTests {
    @Test func encodedWordsThatNeverCloseAreReadOnce() {
        // Quadratic before: every `=?` searched to the end of the value for `?=`.
        let raw = Array(String(repeating: "=?x?q?a ", count: 131_072).utf8)
        #expect(EncodedWords.decode(raw).utf8.count == raw.count)
        let bare = Array(String(repeating: "=?", count: 500_000).utf8)
        #expect(EncodedWords.decode(bare).utf8.count == bare.count)
    }

    @Test func encodedWordsStillDecodeAfterManyThatDoNot() {
        let raw = Array((String(repeating: "=?x?q?a ", count: 1_000) + "=?utf-8?q?M=C3=A4rz?= =?utf-8?b?w6Q=?=").utf8)
        #expect(EncodedWords.decode(raw).hasSuffix("=?x?q?a Märzä"))
    }

    @Test func adjacentAndOverlongEncodedWordsDecode() {
        #expect(EncodedWords.decode(Array("=?utf-8?q?a?==?utf-8?q?b?=".utf8)) == "ab")
        let long = String(repeating: "=C3=A4", count: 40)
        #expect(EncodedWords.decode(Array("=?utf-8?q?\(long)?=".utf8)) == String(repeating: "ä", count: 40))
        #expect(EncodedWords.decode(Array("=?utf-8?b?w6Q gw6Q=?= x".utf8)) == "=?utf-8?b?w6Q gw6Q=?= x")
        #expect(EncodedWords.decode(Array("=?utf-8?q?a b?= c".utf8)) == "=?utf-8?q?a b?= c", "whitespace ends a word")
    }
}
