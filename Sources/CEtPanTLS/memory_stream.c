#include "CEtPanMemory.h"
#include "CEtPanReplyFilter.h"

#include <stdlib.h>
#include <string.h>

struct memory_stream {
    notegate_reply_filter filter;
    size_t length;
    size_t offset;
    unsigned char bytes[];
};

static ssize_t memory_read(mailstream_low *low, void *buffer, size_t count) {
    struct memory_stream *stream = low->data;
    size_t left = stream->length - stream->offset;
    // The end of the bytes is a closed connection, and reads as an error as in notegate's TLS
    // driver: libetpan reads a literal until it has all of it, and retries a read of 0 for ever.
    if (left == 0) return -1;
    size_t served = count < left ? count : left;
    memcpy(buffer, stream->bytes + stream->offset, served);
    notegate_reply_filter_apply(&stream->filter, buffer, served);
    stream->offset += served;
    return (ssize_t)served;
}

static ssize_t memory_write(mailstream_low *low, const void *buffer, size_t count) {
    (void)low;
    (void)buffer;
    return (ssize_t)count;
}

static int memory_close(mailstream_low *low) {
    (void)low;
    return 0;
}

static int memory_get_fd(mailstream_low *low) {
    (void)low;
    return -1;
}

static void memory_free(mailstream_low *low) {
    free(low->data);
    free(low);
}

static void memory_cancel(mailstream_low *low) {
    (void)low;
}

static struct mailstream_cancel *memory_get_cancel(mailstream_low *low) {
    (void)low;
    return NULL;
}

static mailstream_low_driver memory_driver = {
    .mailstream_read = memory_read,
    .mailstream_write = memory_write,
    .mailstream_close = memory_close,
    .mailstream_get_fd = memory_get_fd,
    .mailstream_free = memory_free,
    .mailstream_cancel = memory_cancel,
    .mailstream_get_cancel = memory_get_cancel,
};

mailstream_low *notegate_memory_stream_open(const void *bytes, size_t count) {
    struct memory_stream *stream = malloc(sizeof *stream + count);
    if (stream == NULL) return NULL;
    stream->filter = (notegate_reply_filter){0};
    stream->length = count;
    stream->offset = 0;
    if (count > 0) memcpy(stream->bytes, bytes, count);
    mailstream_low *low = mailstream_low_new(stream, &memory_driver);
    if (low == NULL) free(stream);
    return low;
}
