import Testing

/// Every suite that runs the `notegate` binary, one test at a time. A child process spawned by one
/// test holds copies of this process's descriptors until it execs, the ledger lock among them; run in
/// parallel, another test's spawn can keep a just-released ledger locked for a moment and make a
/// repair command see the ledger as in use.
@Suite(.serialized) struct NotegateCLITests {}
