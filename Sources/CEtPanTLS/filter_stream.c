#include "CEtPanFilterStream.h"
#include "CEtPanReplyFilter.h"

#include <stdlib.h>

struct filter_stream {
    mailstream_low *inner;
    notegate_reply_filter filter;
};

static struct filter_stream *filter_of(mailstream_low *low) {
    return (struct filter_stream *)low->data;
}

static ssize_t filter_read(mailstream_low *low, void *buffer, size_t count) {
    struct filter_stream *stream = filter_of(low);
    ssize_t r = mailstream_low_read(stream->inner, buffer, count);
    // The server closed the connection. That must read as an error: libetpan reads a literal until it
    // has all of it and retries a read of 0 for ever, at full CPU (found by `make fuzz`).
    if (r == 0) return -1;
    if (r < 0) return r;
    notegate_reply_filter_apply(&stream->filter, buffer, (size_t)r);
    return r;
}

static ssize_t filter_write(mailstream_low *low, const void *buffer, size_t count) {
    return mailstream_low_write(filter_of(low)->inner, buffer, count);
}

static int filter_close(mailstream_low *low) {
    return mailstream_low_close(filter_of(low)->inner);
}

static int filter_get_fd(mailstream_low *low) {
    return mailstream_low_get_fd(filter_of(low)->inner);
}

static void filter_free(mailstream_low *low) {
    struct filter_stream *stream = filter_of(low);
    mailstream_low_free(stream->inner);
    free(stream);
    free(low);
}

static void filter_cancel(mailstream_low *low) {
    mailstream_low_cancel(filter_of(low)->inner);
}

static struct mailstream_cancel *filter_get_cancel(mailstream_low *low) {
    return mailstream_low_get_cancel(filter_of(low)->inner);
}

static carray *filter_certificate_chain(mailstream_low *low) {
    return mailstream_low_get_certificate_chain(filter_of(low)->inner);
}

static int filter_setup_idle(mailstream_low *low) {
    return mailstream_low_setup_idle(filter_of(low)->inner);
}

static int filter_unsetup_idle(mailstream_low *low) {
    return mailstream_low_unsetup_idle(filter_of(low)->inner);
}

static int filter_interrupt_idle(mailstream_low *low) {
    return mailstream_low_interrupt_idle(filter_of(low)->inner);
}

static mailstream_low_driver filter_driver = {
    .mailstream_read = filter_read,
    .mailstream_write = filter_write,
    .mailstream_close = filter_close,
    .mailstream_get_fd = filter_get_fd,
    .mailstream_free = filter_free,
    .mailstream_cancel = filter_cancel,
    .mailstream_get_cancel = filter_get_cancel,
    .mailstream_get_certificate_chain = filter_certificate_chain,
    .mailstream_setup_idle = filter_setup_idle,
    .mailstream_unsetup_idle = filter_unsetup_idle,
    .mailstream_interrupt_idle = filter_interrupt_idle,
};

mailstream_low *notegate_filter_stream_open(mailstream_low *inner) {
    struct filter_stream *stream = calloc(1, sizeof *stream);
    if (stream == NULL) return NULL;
    stream->inner = inner;
    mailstream_low *low = mailstream_low_new(stream, &filter_driver);
    if (low == NULL) {
        free(stream);
        return NULL;
    }
    return low;
}
