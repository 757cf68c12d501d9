#include "CEtPanBudget.h"

#include <stdlib.h>

// The wrapper reads through the session's real stream driver (`inner`) and follows the reply's
// framing as it passes: quoted strings, parentheses, and literals (`{N}` CRLF then N bytes), so
// that it knows the size of a literal before libetpan has seen the announcement.
enum lexer_state {
    LEX_TEXT,
    LEX_QUOTED,
    LEX_QUOTED_ESCAPE,
    LEX_BRACE,
    LEX_BRACE_CLOSED,
    LEX_BRACE_CR,
    LEX_LITERAL,
};

struct budget_stream {
    mailstream_low *inner;
    uint64_t budget;
    uint64_t received;
    int max_depth;
    int depth;
    enum lexer_state state;
    uint64_t number;
    int digits;
    uint64_t literal_left;
    notegate_budget_status status;
    uint64_t announced;
};

static mailstream_low_driver budget_driver;

static struct budget_stream *budget_of(mailstream_low *low) {
    return low != NULL && low->driver == &budget_driver ? (struct budget_stream *)low->data : NULL;
}

static void fail(struct budget_stream *budget, notegate_budget_status status) {
    if (budget->status == NOTEGATE_BUDGET_OK) budget->status = status;
}

/// Follows `count` bytes that start `offset` bytes into the reply; returns 0, or -1 once the reply
/// breaks the budget.
static int scan(struct budget_stream *b, const unsigned char *bytes, size_t count, uint64_t offset) {
    size_t i = 0;
    while (i < count) {
        if (b->state == LEX_LITERAL) {
            size_t left = count - i;
            size_t skip = b->literal_left < left ? (size_t)b->literal_left : left;
            b->literal_left -= skip;
            i += skip;
            if (b->literal_left == 0) b->state = LEX_TEXT;
            continue;
        }
        unsigned char c = bytes[i];
        switch (b->state) {
        case LEX_QUOTED:
            if (c == '\\') b->state = LEX_QUOTED_ESCAPE;
            else if (c == '"') b->state = LEX_TEXT;
            else if (c == '\n') { b->state = LEX_TEXT; b->depth = 0; }
            i++;
            continue;
        case LEX_QUOTED_ESCAPE:
            b->state = LEX_QUOTED;
            i++;
            continue;
        case LEX_BRACE:
            if (c >= '0' && c <= '9') {
                // Saturates: any number this large is over every budget.
                b->number = b->number > UINT64_MAX / 16 ? UINT64_MAX / 16 : b->number * 10 + (uint64_t)(c - '0');
                b->digits++;
                i++;
                continue;
            }
            if (c == '}' && b->digits > 0) { b->state = LEX_BRACE_CLOSED; i++; continue; }
            b->state = LEX_TEXT;
            continue; // not a literal announcement: read `c` again as text
        case LEX_BRACE_CLOSED:
        case LEX_BRACE_CR:
            if (c == '\r' && b->state == LEX_BRACE_CLOSED) { b->state = LEX_BRACE_CR; i++; continue; }
            if (c != '\n') { b->state = LEX_TEXT; continue; }
            i++;
            {
                uint64_t start = offset + i;
                uint64_t left = start >= b->budget ? 0 : b->budget - start;
                if (b->number > left) {
                    b->announced = b->number;
                    fail(b, NOTEGATE_BUDGET_LITERAL);
                    return -1;
                }
                b->literal_left = b->number;
                b->state = b->number > 0 ? LEX_LITERAL : LEX_TEXT;
            }
            continue;
        default:
            break;
        }
        switch (c) {
        case '"': b->state = LEX_QUOTED; break;
        case '{': b->state = LEX_BRACE; b->number = 0; b->digits = 0; break;
        case '(':
            if (++b->depth > b->max_depth) { fail(b, NOTEGATE_BUDGET_NESTING); return -1; }
            break;
        case ')': if (b->depth > 0) b->depth--; break;
        case '\n': b->depth = 0; break;
        default: break;
        }
        i++;
    }
    return 0;
}

static ssize_t budget_read(mailstream_low *low, void *buffer, size_t count) {
    struct budget_stream *b = budget_of(low);
    if (b->status != NOTEGATE_BUDGET_OK) return -1;
    ssize_t r = mailstream_low_read(b->inner, buffer, count);
    // A reply that ends with the connection is cut off: libetpan would retry a read of 0 inside a
    // literal for ever (libetpan's plain socket driver reports the end of the connection as 0).
    if (r == 0) return -1;
    if (r < 0) return r;
    uint64_t offset = b->received;
    b->received += (uint64_t)r;
    if (scan(b, buffer, (size_t)r, offset) < 0) return -1;
    if (b->received > b->budget) { fail(b, NOTEGATE_BUDGET_BYTES); return -1; }
    return r;
}

static ssize_t budget_write(mailstream_low *low, const void *buffer, size_t count) {
    struct budget_stream *b = budget_of(low);
    if (b->status != NOTEGATE_BUDGET_OK) return -1;
    return mailstream_low_write(b->inner, buffer, count);
}

static int budget_close(mailstream_low *low) {
    return mailstream_low_close(budget_of(low)->inner);
}

static int budget_get_fd(mailstream_low *low) {
    return mailstream_low_get_fd(budget_of(low)->inner);
}

static void budget_free(mailstream_low *low) {
    struct budget_stream *b = budget_of(low);
    mailstream_low_free(b->inner);
    free(b);
    free(low);
}

static void budget_cancel(mailstream_low *low) {
    mailstream_low_cancel(budget_of(low)->inner);
}

static struct mailstream_cancel *budget_get_cancel(mailstream_low *low) {
    return mailstream_low_get_cancel(budget_of(low)->inner);
}

static carray *budget_certificate_chain(mailstream_low *low) {
    return mailstream_low_get_certificate_chain(budget_of(low)->inner);
}

static int budget_setup_idle(mailstream_low *low) {
    return mailstream_low_setup_idle(budget_of(low)->inner);
}

static int budget_unsetup_idle(mailstream_low *low) {
    return mailstream_low_unsetup_idle(budget_of(low)->inner);
}

static int budget_interrupt_idle(mailstream_low *low) {
    return mailstream_low_interrupt_idle(budget_of(low)->inner);
}

static mailstream_low_driver budget_driver = {
    .mailstream_read = budget_read,
    .mailstream_write = budget_write,
    .mailstream_close = budget_close,
    .mailstream_get_fd = budget_get_fd,
    .mailstream_free = budget_free,
    .mailstream_cancel = budget_cancel,
    .mailstream_get_cancel = budget_get_cancel,
    .mailstream_get_certificate_chain = budget_certificate_chain,
    .mailstream_setup_idle = budget_setup_idle,
    .mailstream_unsetup_idle = budget_unsetup_idle,
    .mailstream_interrupt_idle = budget_interrupt_idle,
};

int notegate_reply_budget_begin(mailstream *stream, uint64_t budget, int max_depth) {
    mailstream_low *low = mailstream_get_low(stream);
    struct budget_stream *b = budget_of(low);
    if (b != NULL && b->status != NOTEGATE_BUDGET_OK) return -1;
    if (b == NULL) {
        b = calloc(1, sizeof *b);
        if (b == NULL) return -1;
        mailstream_low *wrapper = mailstream_low_new(b, &budget_driver);
        if (wrapper == NULL) { free(b); return -1; }
        b->inner = low;
        mailstream_set_low(stream, wrapper);
    }
    b->budget = budget;
    b->received = 0;
    b->max_depth = max_depth;
    b->depth = 0;
    b->state = LEX_TEXT;
    b->literal_left = 0;
    b->announced = 0;
    // A server may send a reply before it is asked for, and libetpan may hold it in its buffer already:
    // those bytes are checked too, and the buffer is cut where they break the budget, so that libetpan
    // never parses past that point (found by `make fuzz`: a 184 MB literal announced ahead of time).
    for (size_t i = 0; i < stream->read_buffer_len; i++) {
        b->received++;
        if (scan(b, (const unsigned char *)stream->read_buffer + i, 1, i) < 0 || b->received > b->budget) {
            fail(b, NOTEGATE_BUDGET_BYTES);
            stream->read_buffer_len = i;
            break;
        }
    }
    return 0;
}

void notegate_reply_budget_end(mailstream *stream, notegate_budget_report *report) {
    mailstream_low *low = mailstream_get_low(stream);
    struct budget_stream *b = budget_of(low);
    *report = (notegate_budget_report){.status = NOTEGATE_BUDGET_OK};
    if (b == NULL) return;
    *report = (notegate_budget_report){
        .status = b->status, .budget = b->budget, .received = b->received, .announced = b->announced,
    };
    if (b->status != NOTEGATE_BUDGET_OK) return;
    mailstream_set_low(stream, b->inner);
    free(low->identifier);
    free(b);
    free(low);
}
