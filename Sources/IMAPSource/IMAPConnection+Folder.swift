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
        let result = mailimap_select(session, folder)
        if Int(result) == MAILIMAP_ERROR_SELECT {
            let reply = session.pointee.imap_response.map { String(cString: $0) } ?? ""
            // RFC 5530 codes for a refusal that passes; anything else (NONEXISTENT, NOPERM, ...) needs the config.
            let temporary = ["[UNAVAILABLE]", "[INUSE]", "[SERVERBUG]", "[LIMIT]"].contains { reply.contains($0) }
            if !temporary {
                throw IMAPError(.folderUnavailable, "\(config.host) refused to open folder \(folder) of "
                    + "\(config.username) (server said: \(reply.isEmpty ? "NO" : reply)); check `folders` "
                    + "(use / between folder levels)")
            }
        }
        try check(result, "SELECT \(folder)")
        guard let info = session.pointee.imap_selection_info?.pointee else {
            throw IMAPError(.commandFailed, "SELECT \(folder) on \(config.host) returned no folder status")
        }
        return FolderStatus(uidValidity: info.sel_uidvalidity, uidNext: info.sel_uidnext)
    }

    /// UIDs above `uid` in the selected folder, ascending (`UID SEARCH UID n:*`).
    func uids(above uid: UInt32) throws -> [UInt32] {
        // `n:*` always matches the highest UID, even one below n. Nothing comes after the highest UID.
        guard let first = uid.followingUID else { return [] }
        return try search(mailimap_search_key_new_uid(mailimap_set_new_interval(first, 0)), "UID SEARCH UID")
            .filter { $0 > uid }
    }

    /// The lowest UID of the messages that arrived (INTERNALDATE) on or after the day, if any
    /// (`UID SEARCH SINCE 1-Nov-2026`).
    func firstUID(sinceYear year: Int, month: Int, day: Int) throws -> UInt32? {
        let date = mailimap_date_new(Int32(day), Int32(month), Int32(year))
        return try search(mailimap_search_key_new_since(date), "UID SEARCH SINCE").first
    }

    /// The UID the next message will get: UIDNEXT as SELECT reported it, or for a server that left
    /// it out, the highest UID plus one.
    func nextUID(_ status: FolderStatus) throws -> UInt32 {
        status.uidNext != 0 ? status.uidNext : (try uids(above: 0).last ?? 0).followingUID ?? .max
    }

    /// Runs UID SEARCH with `key` (freed here) in the selected folder; the UIDs found, ascending.
    private func search(_ key: UnsafeMutablePointer<mailimap_search_key>, _ command: String) throws -> [UInt32] {
        defer { mailimap_search_key_free(key) }
        let session = try requireSession()
        var result: UnsafeMutablePointer<clist>?
        try check(mailimap_uid_search(session, nil, key, &result), command)
        defer { mailimap_search_result_free(result) }
        return CList<UInt32>(result).map(\.pointee).sorted()
    }

    /// Applies `action` to messages the pipeline settled after they were handed over. Those that have
    /// left the folder meanwhile (moved or deleted by someone else) are left alone: some servers answer
    /// NO for a UID that no longer exists, and then each message is tried on its own.
    func applyUnlessGone(_ action: MailboxAction, to uids: [UInt32]) throws {
        do {
            try apply(action, to: uids)
        } catch let error as IMAPError where error.code == .commandFailed {
            guard uids.count == 1 else {
                for uid in uids { try applyUnlessGone(action, to: [uid]) }
                return
            }
            let exists = !(try search(mailimap_search_key_new_uid(mailimap_set_new_single(uids[0])), "UID SEARCH UID")
                .isEmpty)
            if exists { throw error }
        }
    }

    /// Applies the configured action to messages of the selected folder: one command for all of them
    /// (two or three for a move without MOVE, or a delete).
    func apply(_ action: MailboxAction, to uids: [UInt32]) throws {
        guard !uids.isEmpty else { return }
        switch action {
        case .keep:
            return
        case .seen:
            try addFlag(mailimap_flag_new_seen(), to: uids)
        case .delete:
            try addFlag(mailimap_flag_new_deleted(), to: uids)
            try expunge(uids)
        case .move(let configured):
            let folder = try serverName(configured)
            try ensureFolder(folder)
            let session = try requireSession()
            if hasCapability("MOVE") {
                try check(withUIDSet(uids) { mailimap_uid_move(session, $0, folder) }, "UID MOVE")
            } else {
                try check(withUIDSet(uids) { mailimap_uid_copy(session, $0, folder) }, "UID COPY")
                try addFlag(mailimap_flag_new_deleted(), to: uids)
                try expunge(uids)
            }
        }
    }

    private func addFlag(_ flag: UnsafeMutablePointer<mailimap_flag>, to uids: [UInt32]) throws {
        let flags = mailimap_flag_list_new_empty()
        mailimap_flag_list_add(flags, flag)
        let store = mailimap_store_att_flags_new_add_flags_silent(flags)
        defer { mailimap_store_att_flags_free(store) }
        let session = try requireSession()
        try check(withUIDSet(uids) { mailimap_uid_store(session, $0, store) }, "UID STORE")
    }

    /// Removes deleted messages: only `uids` when the server has UIDPLUS, else all of the folder's.
    private func expunge(_ uids: [UInt32]) throws {
        if hasCapability("UIDPLUS") {
            let session = try requireSession()
            try check(withUIDSet(uids) { mailimap_uid_expunge(session, $0) }, "UID EXPUNGE")
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
