import Testing
@testable import NoteExtraction
