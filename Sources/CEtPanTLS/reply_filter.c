#include "CEtPanReplyFilter.h"

#include <string.h>

static const char keyword[] = "[PERMANENTFLAGS";

void notegate_reply_filter_apply(notegate_reply_filter *filter, unsigned char *bytes, size_t count) {
    const unsigned length = sizeof keyword - 1;
    for (size_t i = 0; i < count; i++) {
        if (filter->matched == 0) {
            // Nothing matched: only a '[' can start the keyword, so skip to the next one (every byte of every
            // reply passes here, message text included).
            const unsigned char *open = memchr(bytes + i, '[', count - i);
            if (open == NULL) return;
            i = (size_t)(open - bytes);
        }
        // The keyword is ASCII: compare in ASCII upper case, whatever the locale.
        unsigned char upper = bytes[i] >= 'a' && bytes[i] <= 'z' ? (unsigned char)(bytes[i] - 'a' + 'A') : bytes[i];
        // Only the first character of the keyword is '[', so a mismatch restarts at 0 or 1.
        if (upper == (unsigned char)keyword[filter->matched]) {
            filter->matched++;
        } else {
            filter->matched = bytes[i] == '[' ? 1 : 0;
        }
        if (filter->matched == length) {
            bytes[i] = bytes[i] == 's' ? 'x' : 'X';
            filter->matched = 0;
        }
    }
}
