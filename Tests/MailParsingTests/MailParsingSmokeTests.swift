import Testing
@testable import MailParsing
