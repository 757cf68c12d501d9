import CEtPan
import Foundation
import GatewayConfig

/// UIDVALIDITY and UIDNEXT of a folder, as SELECT reported them.
struct FolderStatus: Sendable, Equatable {
    var uidValidity: UInt32
    var uidNext: UInt32
}

// Selecting, searching, and the actions applied after a message was handled.
extension IMAPConnection {
    func select(_ folder: String) throws -> FolderStatus {
        let session = try requireSession()
        try check(mailimap_select(session, folder), "SELECT \(folder)")
        guard let info = session.pointee.imap_selection_info?.pointee else {
            throw IMAPError(.commandFailed, "SELECT \(folder) on \(config.host) returned no folder status")
        }
        return FolderStatus(uidValidity: info.sel_uidvalidity, uidNext: info.sel_uidnext)
    }

    /// UIDs above `uid` in the selected folder, ascending (`UID SEARCH UID n:*`).
    func uids(above uid: UInt32) throws -> [UInt32] {
        let session = try requireSession()
        let key = mailimap_search_key_new_uid(mailimap_set_new_interval(uid + 1, 0))
        defer { mailimap_search_key_free(key) }
        var result: UnsafeMutablePointer<clist>?
        try check(mailimap_uid_search(session, nil, key, &result), "UID SEARCH")
        defer { mailimap_search_result_free(result) }
        // `n:*` always matches the highest UID, even one below n.
        return CList<UInt32>(result).map(\.pointee).filter { $0 > uid }.sorted()
    }

    /// Applies the configured action to one message of the selected folder.
    func apply(_ action: MailboxAction, to uid: UInt32) throws {
        switch action {
        case .keep:
            return
        case .seen:
            try addFlag(mailimap_flag_new_seen(), to: uid)
        case .delete:
            try addFlag(mailimap_flag_new_deleted(), to: uid)
            try expunge(uid)
        case .move(let configured):
            let folder = try serverName(configured)
            try ensureFolder(folder)
            let session = try requireSession()
            if hasCapability("MOVE") {
                try check(withUIDSet([uid]) { mailimap_uid_move(session, $0, folder) }, "UID MOVE")
            } else {
                try check(withUIDSet([uid]) { mailimap_uid_copy(session, $0, folder) }, "UID COPY")
                try addFlag(mailimap_flag_new_deleted(), to: uid)
                try expunge(uid)
            }
        }
    }

    private func addFlag(_ flag: UnsafeMutablePointer<mailimap_flag>, to uid: UInt32) throws {
        let flags = mailimap_flag_list_new_empty()
        mailimap_flag_list_add(flags, flag)
        let store = mailimap_store_att_flags_new_add_flags_silent(flags)
        defer { mailimap_store_att_flags_free(store) }
        let session = try requireSession()
        try check(withUIDSet([uid]) { mailimap_uid_store(session, $0, store) }, "UID STORE")
    }

    /// Removes deleted messages: only `uid` when the server has UIDPLUS, else all of the folder's.
    private func expunge(_ uid: UInt32) throws {
        if hasCapability("UIDPLUS") {
            let session = try requireSession()
            try check(withUIDSet([uid]) { mailimap_uid_expunge(session, $0) }, "UID EXPUNGE")
        } else {
            try check(mailimap_expunge(try requireSession()), "EXPUNGE")
        }
    }

    /// The config writes folder paths with `/`; the server may separate levels with another
    /// character (Dovecot's Maildir uses `.`), which LIST "" "" reports.
    private func serverName(_ folder: String) throws -> String {
        var list: UnsafeMutablePointer<clist>?
        try check(mailimap_list(try requireSession(), "", "", &list), "LIST")
        defer { if let list { mailimap_list_result_free(list) } }
        guard let delimiter = CList<mailimap_mailbox_list>(list).first(where: { _ in true })?.pointee.mb_delimiter,
              delimiter != 0, delimiter != CChar(UInt8(ascii: "/")) else { return folder }
        return folder.replacingOccurrences(of: "/", with: String(UnicodeScalar(UInt8(bitPattern: delimiter))))
    }

    /// Creates `folder` unless LIST shows it exists.
    private func ensureFolder(_ folder: String) throws {
        guard !knownFolders.contains(folder) else { return }
        let session = try requireSession()
        var list: UnsafeMutablePointer<clist>?
        try check(mailimap_list(session, "", folder, &list), "LIST \(folder)")
        let exists = cetpan_clist_count(list) > 0
        if let list { mailimap_list_result_free(list) }
        if !exists {
            try check(mailimap_create(session, folder), "CREATE \(folder)")
            logger.info("created IMAP folder", metadata: ["created_folder": "\(folder)"])
        }
        knownFolders.insert(folder)
    }
}

/// Runs `body` with a libetpan set of `uids`, freed afterwards.
func withUIDSet<Result>(_ uids: [UInt32], _ body: (UnsafeMutablePointer<mailimap_set>) -> Result) -> Result {
    let set = mailimap_set_new_empty()!
    defer { mailimap_set_free(set) }
    for uid in uids {
        mailimap_set_add_single(set, uid)
    }
    return body(set)
}
