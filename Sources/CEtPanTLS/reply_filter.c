#include "CEtPanReplyFilter.h"

#include <ctype.h>

static const char keyword[] = "[PERMANENTFLAGS";

void notegate_reply_filter_apply(notegate_reply_filter *filter, unsigned char *bytes, size_t count) {
    const unsigned length = sizeof keyword - 1;
    for (size_t i = 0; i < count; i++) {
        // Only the first character of the keyword is '[', so a mismatch restarts at 0 or 1.
        if (toupper(bytes[i]) == keyword[filter->matched]) {
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
