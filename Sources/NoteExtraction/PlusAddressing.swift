import MailParsing

/// Finds tickets named by plus-addressing: mail to `notes+143@support.example`, where
/// `notes@support.example` is one of the gateway's addresses, goes to ticket 143. Looks at To,
/// Cc and Delivered-To, so an agent can forward without editing the subject.
struct PlusAddressing {
    /// Lower-cased `local@domain` of each gateway address.
    private let gateways: Set<String>

    init(gatewayAddresses: [String]) {
        gateways = Set(gatewayAddresses.map { $0.trimmingWhitespace().lowercased() })
    }

    func ticketIDs(in message: ParsedMessage) -> [Int] {
        guard !gateways.isEmpty else { return [] }
        return (message.to + message.cc + message.deliveredTo).compactMap { ticketID(in: $0.address) }
    }

    private func ticketID(in address: String) -> Int? {
        let lowered = address.lowercased()
        guard let at = lowered.lastIndex(of: "@"),
              let plus = lowered[..<at].lastIndex(of: "+") else { return nil }
        let tag = lowered[lowered.index(after: plus)..<at]
        guard gateways.contains(String(lowered[..<plus]) + String(lowered[at...])),
              !tag.isEmpty, tag.count <= 10, tag.allSatisfy(\.isASCIIDigit),
              let number = Int(tag), number > 0, number <= TicketPattern.largestTicketID else { return nil }
        return number
    }
}
