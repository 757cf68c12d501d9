#ifndef NOTEGATE_CETPAN_SHIM_H
#define NOTEGATE_CETPAN_SHIM_H

// The one place libetpan enters Swift. libetpan's clist accessors are macros,
// which Swift cannot import; they get static inline twins here and nowhere else.
#include <libetpan/libetpan.h>

static inline clistiter *_Nullable cetpan_clist_begin(clist *_Nullable list) {
    return list ? list->first : NULL;
}

static inline clistiter *_Nullable cetpan_clist_next(clistiter *_Nullable iter) {
    return iter ? iter->next : NULL;
}

static inline void *_Nullable cetpan_clist_content(clistiter *_Nullable iter) {
    return iter ? iter->data : NULL;
}

static inline int cetpan_clist_count(clist *_Nullable list) {
    return list ? list->count : 0;
}

static inline int cetpan_clist_append(clist *_Nonnull list, void *_Nullable data) {
    return clist_append(list, data);
}

#endif
