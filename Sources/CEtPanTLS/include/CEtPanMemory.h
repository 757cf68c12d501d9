#ifndef NOTEGATE_CETPANMEMORY_H
#define NOTEGATE_CETPANMEMORY_H

// A libetpan stream driver with no network behind it: reads come from bytes given up front, writes
// are swallowed. It lets notegate's IMAP client run against a recorded (or fuzzed) server's replies.
#include <libetpan/libetpan.h>

/// A stream driver that serves a copy of the `count` bytes at `bytes` to readers, through the reply
/// filter as the TLS driver does, then fails every read as a closed connection does, and accepts and
/// discards every write. Returns NULL when out of memory.
mailstream_low *_Nullable notegate_memory_stream_open(const void *_Nullable bytes, size_t count);

#endif
