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

#define YZ_JSON_WRITE_MAX_DEPTH 128

/* Appends value to out. False when out's cap is reached or value nests deeper
 * than YZ_JSON_WRITE_MAX_DEPTH (out then holds a partial text). */
bool yz_json_write(struct yz_buf *out, const json_t *value);

#endif
