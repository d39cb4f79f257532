/*
 * Compact JSON text of a jansson value, appended to a buffer: byte for byte
 * what json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY) writes (keys in
 * insertion order, UTF-8 as is, control characters, quote and backslash
 * escaped), without jansson's per-code-point callbacks: every API response
 * goes through here, and json_dumps was an eighth of a point read's time.
 */
#ifndef YZ_CORE_JSONWRITE_H
#define YZ_CORE_JSONWRITE_H

#include "core/buf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define YZ_JSON_WRITE_MAX_DEPTH 128

/* Appends value to out. False when out's cap is reached or value nests deeper
 * than YZ_JSON_WRITE_MAX_DEPTH (out then holds a partial text). */
bool yz_json_write(struct yz_buf *out, const json_t *value);
/* The same with every object's members sorted by key: json_dumps(JSON_COMPACT
 * | JSON_ENCODE_ANY | JSON_SORT_KEYS), the canonical form that is hashed. */
bool yz_json_write_sorted(struct yz_buf *out, const json_t *value);

/* One string (UTF-8, NUL-terminated) or integer as JSON text, the way the
 * functions above write them: for hot replies written without a tree. */
bool yz_json_write_str(struct yz_buf *out, const char *s);
bool yz_json_write_int(struct yz_buf *out, int64_t v);
/* One object member of such a reply: lead is the text before the value, the
 * key with its punctuation, such as ",\"kind\":" or "{\"id\":". */
bool yz_json_put_str(struct yz_buf *out, const char *lead, const char *v);
bool yz_json_put_int(struct yz_buf *out, const char *lead, int64_t v);
bool yz_json_put_bool(struct yz_buf *out, const char *lead, bool v);
/* A time (UTC milliseconds) as the API writes times, 2026-11-30T03:45:00.000Z. */
bool yz_json_put_time(struct yz_buf *out, const char *lead, int64_t ms);

/* Largest text the two functions below return. */
#define YZ_JSON_DUMP_MAX ((size_t)64 << 20)

/* The text as a NUL-terminated string to free(), like json_dumps; NULL on no
 * memory, too deep a value or a text over YZ_JSON_DUMP_MAX. */
char *yz_json_dumps(const json_t *value);
char *yz_json_dumps_sorted(const json_t *value);

/*
 * yz_json_dumps_sorted's text of value, or NULL when value is not in the
 * domain of the canonical form: it holds a real anywhere, an object or array
 * nested deeper than max_depth (the top one is 1; max_depth >= 1), or, with
 * check_text, a string or key that is not valid UTF-8 or holds a NUL. The
 * checks are made on the way, in one pass (audit/events.c's canonical form).
 * check_text false is only for values whose every string and key was checked
 * so where it came in.
 */
char *yz_json_dumps_canonical(const json_t *value, int max_depth, bool check_text);
/* The same text appended to out; false when refused or out's cap is reached
 * (out then holds a partial text). */
bool yz_json_write_canonical(struct yz_buf *out, const json_t *value, int max_depth,
                             bool check_text);

#endif
