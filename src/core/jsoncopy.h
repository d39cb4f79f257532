/*
 * Copying stored JSON text into a reply without building a tree: the text
 * of a read is mostly stored JSON (a matter's data), and parsing it into
 * jansson only to write it out again was a third of a point read's work.
 *
 * Only text in the exact form yz_json_write produces is copied: compact,
 * valid UTF-8, strings with only the escapes the writer uses (\" \\ \b \f \n
 * \r \t, \u00XX for the other control characters), integers without
 * leading zeros that fit in 64 bits, no reals. For such text the copy is
 * byte for byte what parsing it with jansson and writing it again with
 * yz_json_write gives, less the dropped members. Anything else (which the
 * product does not store) makes the copy fail, and the caller takes the
 * tree path, which handles every text.
 */
#ifndef YZ_CORE_JSONCOPY_H
#define YZ_CORE_JSONCOPY_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Says whether an object member is left out; key is the member's key as it
 * stands in the text (between the quotes, escapes not decoded). */
typedef bool (*yz_json_drop_fn)(const char *key, size_t len);

/* What the caller writes for one member of the outermost object, where the
 * text is an object: once the member's value has been copied (less its
 * dropped members) to out[at..out->len), put may replace it there, e.g. by
 * parsing it, changing the tree and writing it again from at. False fails the
 * copy. For a member that the reader sees changed (matters/view.c: a
 * forwarded matter's progress), so that such text is still copied. */
struct yz_json_hook {
    const char *key; /* the member's key as it stands in the text */
    bool (*put)(void *ctx, struct yz_buf *out, size_t at);
    void *ctx;
};

/* Appends the JSON text in[0..n) (an object or an array) to out without the object members, at any
 * depth, that drop says to leave out, and with hook's member as hook puts it
 * (hook may be NULL). False when the text is not in the writer's form, nests
 * deeper than YZ_JSON_WRITE_MAX_DEPTH, out's cap is reached or the hook
 * fails; out is then restored to its length before the call. */
bool yz_json_copy(struct yz_buf *out, const char *in, size_t n, yz_json_drop_fn drop,
                  const struct yz_json_hook *hook);

#endif
