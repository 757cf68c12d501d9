import Testing
@testable import HTMLText
