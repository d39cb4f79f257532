/*
 * Reference-data files: a JSON document read whole, bounded, with duplicate
 * keys refused, and a check that an object holds only the members a format
 * allows. The catalogue and the complaint forms load through these; messages
 * are Chinese, for the operator who edits the data.
 */
#ifndef YZ_CORE_JSONFILE_H
#define YZ_CORE_JSONFILE_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stddef.h>

/* Reads and parses path (at most max bytes). On failure appends the reason
 * (without the path) to err and returns YZ_ERR_CONFIG; *root is NULL. */
enum yz_err yz_json_load_file(const char *path, size_t max, json_t **root, struct yz_buf *err);
/* The first member of obj not listed in allowed (NULL-terminated), or NULL. */
const char *yz_json_unknown_key(const json_t *obj, const char *const *allowed);

#endif
