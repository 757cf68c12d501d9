import Foundation

/// A second IMAP client, independent of notegate's own code (python3's imaplib over the plain port),
/// that puts mail in and looks at what notegate left behind.
struct MailboxClient {
    let port: Int
    let user: String
    let password: String

    func run(_ command: String, _ arguments: [String], input: Data? = nil) throws -> String {
        try runTool("/usr/bin/env", ["python3", "-c", Self.script, String(port), user, password, command] + arguments,
                    input: input)
    }

    private static let script = """
    import imaplib, sys
    port, user, password, command, *args = sys.argv[1:]
    imap = imaplib.IMAP4("127.0.0.1", int(port))
    imap.login(user, password)
    def check(result):
        if result[0] != "OK":
            sys.exit(f"{command} {args}: {result}")
        return result[1]
    if command == "append":
        imap.create(args[0])
        date = float(args[1]) if len(args) > 1 else None
        check(imap.append(args[0], None, date, sys.stdin.buffer.read()))
    elif command == "create":
        check(imap.create(args[0]))
    elif command == "delete":
        check(imap.delete(args[0]))
    elif command == "flags":
        count = int(check(imap.select(args[0], readonly=True))[0])
        for line in check(imap.uid("FETCH", "1:*", "(UID FLAGS)")) if count else []:
            print(line.decode())
    elif command == "list":
        for line in check(imap.list()):
            print(line.decode())
    imap.logout()
    """
}
