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

/* Appends the JSON text in[0..n) (an object or an array) to out without the object members, at any
 * depth, that drop says to leave out. False when the text is not in the
 * writer's form, nests deeper than YZ_JSON_WRITE_MAX_DEPTH, or out's cap is
 * reached; out is then restored to its length before the call. */
bool yz_json_copy(struct yz_buf *out, const char *in, size_t n, yz_json_drop_fn drop);

#endif
