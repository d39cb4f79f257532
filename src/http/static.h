/*
 * The browser UI's files (web/dist, built by `make` from web/): which
 * requests are the UI's, and which file answers them. Pure path logic and
 * open(2); server.c turns the result into a response.
 *
 * Every GET or HEAD outside the API (/api, /api/..., and the route table's
 * other paths such as /healthz) belongs to the UI. The decoded path is
 * refused (404) when it could leave the root or reach a hidden file: a "."
 * or ".." segment, an empty segment, a segment starting with '.', a
 * backslash or a control character. A regular file under the root answers
 * as itself; anything else that looks like a file (under /assets/, or a last
 * segment with a known extension) is a 404; every other path is one of the
 * UI's own routes (/login, /matters/12) and gets index.html. Files under
 * /assets/ carry a content hash in their names (Vite) and are cached for a
 * year; everything else is revalidated on every load.
 */
#ifndef YZ_HTTP_STATIC_H
#define YZ_HTTP_STATIC_H

#include <stdbool.h>
#include <stdint.h>

/* True when method and decoded path are the UI's rather than the API's. */
bool yz_static_claims(const char *method, const char *path);

enum yz_static_outcome {
    YZ_STATIC_FILE,      /* fd, size, content_type, cache_control set */
    YZ_STATIC_NOT_FOUND, /* refused path, or a missing asset */
    YZ_STATIC_NO_UI,     /* the root has no index.html: the UI was not built */
};

struct yz_static_file {
    int fd;                    /* open, read-only; the caller closes it */
    uint64_t size;
    const char *content_type;  /* static string */
    const char *cache_control; /* static string */
    bool fallback;             /* index.html for a UI route */
};

/* Resolves path under root (a directory path, relative to the working directory or
 * absolute). */
enum yz_static_outcome yz_static_resolve(const char *root, const char *path,
                                         struct yz_static_file *out);

/* Content type for a file name, by its extension. */
const char *yz_static_content_type(const char *name);

/* Whether the decoded path is safe to look up under the root (see above). */
bool yz_static_path_ok(const char *path);

#endif
