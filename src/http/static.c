/*
 * The browser UI's files: see static.h. The root is opened by path on every
 * request (not held open), so a rebuild of web/dist while the server runs is
 * picked up at once.
 */
#include "http/static.h"
#include "http/route.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IMMUTABLE "public, max-age=31536000, immutable"
#define REVALIDATE "no-cache"
#define MAX_STATIC_PATH 1024

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool yz_static_claims(const char *method, const char *path)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return false;
    if (path[0] != '/' || strcmp(path, "/api") == 0 || has_prefix(path, "/api/"))
        return false;
    /* The route table's paths outside /api (/healthz, /metrics). */
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(routes[i].pattern, path) == 0)
            return false;
    return true;
}

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".wasm", "application/wasm"},
};

/* The extension of the last segment, or NULL. */
static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    return dot;
}

static const char *known_type(const char *name)
{
    const char *ext = extension(name);
    if (!ext)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(ext, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

const char *yz_static_content_type(const char *name)
{
    const char *t = known_type(name);
    return t ? t : "application/octet-stream";
}

bool yz_static_path_ok(const char *path)
{
    size_t len = strlen(path);
    if (path[0] != '/' || len > MAX_STATIC_PATH)
        return false;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    /* Segment by segment: no empty, ".", ".." or hidden segment. A single
     * trailing slash (a UI route such as /matters/) is allowed. */
    const char *seg = path + 1;
    while (*seg) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || seg[0] == '.')
            return false;
        if (!end)
            break;
        seg = end + 1;
    }
    return true;
}

/* Characters Vite and our public/ folder use in file names; a path with any
 * other (a UI route with Chinese in it, say) is not looked up on disk. */
static bool plain_file_name(const char *path)
{
    for (const char *p = path; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '.' || c == '-' || c == '_' || c == '~' || c == '@'))
            return false;
    }
    return true;
}

/* Opens root/rel as a regular file without following a final symlink. */
static bool open_regular(const char *root, const char *rel, struct yz_static_file *out)
{
    char full[MAX_STATIC_PATH + 4096 + 2];
    int n = snprintf(full, sizeof full, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= sizeof full)
        return false;
    int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return false;
    }
    out->fd = fd;
    out->size = (uint64_t)st.st_size;
    return true;
}

enum yz_static_outcome yz_static_resolve(const char *root, const char *path,
                                         struct yz_static_file *out)
{
    memset(out, 0, sizeof *out);
    out->fd = -1;
    if (!yz_static_path_ok(path))
        return YZ_STATIC_NOT_FOUND;
    const char *rel = path + 1;
    if (*rel && plain_file_name(path) && path[strlen(path) - 1] != '/' &&
        open_regular(root, rel, out)) {
        out->content_type = yz_static_content_type(rel);
        out->cache_control = has_prefix(path, "/assets/") ? IMMUTABLE : REVALIDATE;
        return YZ_STATIC_FILE;
    }
    /* Something that looks like a file and is not there: no HTML in its place. */
    if (has_prefix(path, "/assets/") || (*rel && known_type(path) &&
                                         strcmp(rel, "index.html") != 0))
        return YZ_STATIC_NOT_FOUND;
    if (!open_regular(root, "index.html", out))
        return YZ_STATIC_NO_UI;
    out->content_type = "text/html; charset=utf-8";
    out->cache_control = REVALIDATE;
    out->fallback = true;
    return YZ_STATIC_FILE;
}
