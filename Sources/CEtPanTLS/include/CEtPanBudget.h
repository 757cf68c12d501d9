#ifndef NOTEGATE_CETPANBUDGET_H
#define NOTEGATE_CETPANBUDGET_H

// A byte budget for one IMAP command's reply. libetpan believes the sizes a server announces: a
// literal `{4000000000}` makes it allocate that much, and a reply that never ends is read until
// memory runs out. The budget wraps the session's stream driver for the length of one command,
// counts what the server sends, looks at literal announcements before libetpan parses them, and
// fails the read (libetpan then reports a stream error) once the reply would go past the budget
// or nests its parentheses deeper than allowed.
#include <libetpan/libetpan.h>
#include <stdint.h>

/// Why a reply was cut off.
typedef enum {
    NOTEGATE_BUDGET_OK = 0,
    /// The server sent more bytes than the budget allows.
    NOTEGATE_BUDGET_BYTES,
    /// The server announced a literal larger than what was left of the budget.
    NOTEGATE_BUDGET_LITERAL,
    /// The reply nested parentheses deeper than allowed (libetpan's parser recurses on them).
    NOTEGATE_BUDGET_NESTING,
    /// The budget could not be set up (out of memory).
    NOTEGATE_BUDGET_SYSTEM,
} notegate_budget_status;

/// What a budget saw; filled by `notegate_reply_budget_end`.
typedef struct {
    notegate_budget_status status;
    /// The most bytes the reply could take.
    uint64_t budget;
    /// Bytes the server sent while the budget was in force.
    uint64_t received;
    /// For NOTEGATE_BUDGET_LITERAL: the size the server announced.
    uint64_t announced;
} notegate_budget_report;

/// Puts a budget of `budget` bytes and `max_depth` levels of parentheses on what is read from
/// `stream` until `notegate_reply_budget_end`. Returns 0, or -1 when out of memory or when the
/// stream is already spent by an earlier budget (such a stream must be closed).
int notegate_reply_budget_begin(mailstream *_Nonnull stream, uint64_t budget, int max_depth);

/// Ends the budget begun on `stream` and reports what it saw. Within budget, the stream is as it
/// was before. Over budget, the stream stays spent: every later read and write fails at once, so
/// that nothing more of the reply is read (LOGOUT included); the caller must close the session.
void notegate_reply_budget_end(mailstream *_Nonnull stream, notegate_budget_report *_Nonnull report);

#endif
