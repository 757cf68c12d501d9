#ifndef NOTEGATE_CETPANFILTERSTREAM_H
#define NOTEGATE_CETPANFILTERSTREAM_H

// Gives a stream driver notegate does not own (libetpan's plain socket driver) the two protections the
// TLS driver has against a hostile server: a connection that ends reads as an error, not as 0 bytes
// (libetpan retries a read of 0 inside a literal for ever), and every byte read passes the reply
// filter (see CEtPanReplyFilter.h) before libetpan parses it.
#include <libetpan/libetpan.h>

/// A driver that reads and writes through `inner` and owns it: freeing the wrapper frees `inner` with
/// `mailstream_low_free`, exactly as freeing `inner` itself would (libetpan's socket driver does not
/// close its socket when freed). Returns NULL when out of memory; `inner` is then left to the caller.
mailstream_low *_Nullable notegate_filter_stream_open(mailstream_low *_Nonnull inner);

#endif
