import DovecotHarness
import Foundation

/// Where every message of the harness Dovecot is, by Message-ID, read by a client independent of
/// notegate (python3's imaplib over the plain port) without changing anything.
enum MailboxFolders {
    /// Message-IDs (without angle brackets) in each folder that holds mail, by folder name as the server
    /// spells it (`INBOX`, `notegate.posted`, …).
    static func messageIDs(_ dovecot: DovecotServer) throws -> [String: [String]] {
        let completion = try SpawnedProcess.run("/usr/bin/env", ["python3", "-c", script, String(dovecot.imapPort),
                                                                 dovecot.user, dovecot.password])
        guard completion.succeeded else {
            throw FolderListingError(description: "listing the folders failed: \(completion.output)")
        }
        var folders: [String: [String]] = [:]
        for line in completion.output.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard fields.count == 2 else { continue }
            folders[fields[0], default: []].append(fields[1])
        }
        return folders
    }

    struct FolderListingError: Error, CustomStringConvertible {
        let description: String
    }

    private static let script = """
    import imaplib, re, sys
    port, user, password = sys.argv[1:]
    imap = imaplib.IMAP4("127.0.0.1", int(port))
    imap.login(user, password)
    for line in imap.list()[1]:
        name = re.search(rb'"([^"]*)"$|(\\S+)$', line)
        folder = (name.group(1) or name.group(2)).decode()
        status, answer = imap.select('"' + folder + '"', readonly=True)
        if status != "OK" or int(answer[0]) == 0:
            continue
        kind, data = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        for item in data:
            if isinstance(item, tuple):
                found = re.search(rb"<([^>]*)>", item[1])
                print(folder + "\\t" + (found.group(1).decode() if found else "(none)"))
    imap.logout()
    """
}
