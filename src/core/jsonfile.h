/*
 * Reference-data files: a JSON document read whole, bounded, with duplicate
 * keys refused, and a check that an object holds only the members a format
 * allows, and the checks a loader makes on names and texts. The catalogue
 * and the complaint forms load through these; messages are Chinese, for the
 * operator who edits the data.
 */
#ifndef YZ_CORE_JSONFILE_H
#define YZ_CORE_JSONFILE_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Reads and parses path (at most max bytes). On failure appends the reason
 * (without the path) to err and returns YZ_ERR_CONFIG; *root is NULL. */
enum yz_err yz_json_load_file(const char *path, size_t max, json_t **root, struct yz_buf *err);
/* The first member of obj not listed in allowed (NULL-terminated), or NULL. */
const char *yz_json_unknown_key(const json_t *obj, const char *const *allowed);

/*
 * A loader's view of the file it reads: every message it appends to err (may
 * be NULL: then nothing is written) starts with the file's path, and every
 * failure is YZ_ERR_CONFIG, so an operator who edits the data learns which
 * file and which entry to fix.
 */
struct yz_datafile {
    const char *path; /* as named in messages */
    struct yz_buf *err;
};

enum yz_err yz_datafile_fail(const struct yz_datafile *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The file parsed whole (at most max bytes). */
enum yz_err yz_datafile_read(const struct yz_datafile *f, size_t max, json_t **root);
/* Members of obj other than those in allowed (NULL-terminated) are errors. */
enum yz_err yz_datafile_only_keys(const struct yz_datafile *f, const char *where, const json_t *obj,
                                  const char *const *allowed);
/* s (n bytes) as single-line text of 1..max_cps code points without
 * surrounding spaces; `what` names it in the message after `where`. */
enum yz_err yz_datafile_text(const struct yz_datafile *f, const char *where, const char *what,
                             const char *s, size_t n, size_t max_cps);
/* Member key of obj as such text (borrowed from obj); *out is NULL when the
 * member is absent or null and not required. */
enum yz_err yz_datafile_get_text(const struct yz_datafile *f, const char *where, const json_t *obj,
                                 const char *key, bool required, size_t max_cps, const char **out);

#endif
