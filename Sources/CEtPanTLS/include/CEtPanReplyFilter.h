#ifndef NOTEGATE_CETPANREPLYFILTER_H
#define NOTEGATE_CETPANREPLYFILTER_H

// What a server says, made safe for libetpan's parser before it sees it. libetpan 1.9.4 crashes
// (NULL dereference) on a PERMANENTFLAGS response code whose first flag is a lone backslash, as in
// `* OK [PERMANENTFLAGS (\)]`, in any response, the greeting included. notegate never reads the
// permanent flags, so every PERMANENTFLAGS code is renamed PERMANENTFLAGX, which libetpan reads as
// an unknown code with text. The filter does not know where literals are: a message whose text says
// "[PERMANENTFLAGS" reaches notegate with that one letter changed.
#include <stddef.h>

/// How much of "[PERMANENTFLAGS" the bytes filtered so far end with. Zero-initialise one per connection.
typedef struct {
    unsigned matched;
} notegate_reply_filter;

/// Filters `count` bytes the server sent, in place, following on from the bytes filtered before.
void notegate_reply_filter_apply(notegate_reply_filter *_Nonnull filter, unsigned char *_Nonnull bytes, size_t count);

#endif
