/*
 * Attachments: the upload sink (multipart parts to a hashed temp file), the
 * content decision (libmagic), placing files content-addressed, the rows and
 * their events, and the collector of orphans.
 *
 * The uploads lock is a flock on uploads/.lock, not a mutex, so that it also
 * holds against another process on the same storage directory. An upload
 * holds it shared from the moment its file is linked into place until its
 * row is committed (or the request ends); the collector holds it exclusively
 * while it re-checks and removes one file. Without it, a collector that saw
 * "no row" could remove a file that an upload had just found already present
 * (deduplicated) and was about to reference.
 */
#include "attachments/attachments.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/utf8.h"
#include "matters/matters.h"
#include "policy/policy.h"
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_SIZE 4096

/* ---- small file-system helpers ---------------------------------------- */

static enum yz_err io_error(int err)
{
    return err == ENOSPC || err == EDQUOT ? YZ_ERR_STORAGE_FULL : YZ_ERR_STORAGE_IO;
}

static enum yz_err fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        yz_log_error("cannot open directory %s: %s", path, strerror(errno));
        return YZ_ERR_STORAGE_IO;
    }
    enum yz_err e = YZ_OK;
    if (fsync(fd) != 0) {
        yz_log_error("fsync %s: %s", path, strerror(errno));
        e = io_error(errno);
    }
    close(fd);
    return e;
}

/* mkdir path (0700) unless it is a directory already; a new entry is made
 * durable by fsyncing parent. */
static enum yz_err make_dir(const char *path, const char *parent)
{
    if (mkdir(path, 0700) == 0)
        return fsync_dir(parent);
    struct stat st;
    if (errno == EEXIST && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return YZ_OK;
    yz_log_error("cannot create directory %s: %s", path, strerror(errno));
    return io_error(errno);
}

/* out = a "/" b; false when it does not fit. */
static bool join(char *out, size_t size, const char *a, const char *b)
{
    int n = snprintf(out, size, "%s/%s", a, b);
    return n >= 0 && (size_t)n < size;
}

/* Opens (creating) uploads/.lock; -1 on failure (logged). */
static int open_lock(const char *storage_dir)
{
    char path[PATH_SIZE];
    if (!join(path, sizeof path, storage_dir, "uploads/.lock"))
        return -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        yz_log_error("cannot open %s: %s", path, strerror(errno));
    return fd;
}

static bool lock_fd(int fd, int op)
{
    while (flock(fd, op) != 0) {
        if (errno != EINTR) {
            yz_log_error("flock: %s", strerror(errno));
            return false;
        }
    }
    return true;
}

static bool is_hex(const char *s, size_t n)
{
    return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* ---- the upload sink --------------------------------------------------- */

struct text_part {
    char name[YZ_ATTACH_PART_NAME_MAX + 1];
    struct yz_buf value;
};

enum part_kind { PART_NONE, PART_FILE, PART_TEXT };

/* Hundreds may be in flight under load: the paths are sized to the storage
 * directory, not PATH_SIZE each. */
struct yz_upload {
    uint64_t max_bytes;
    enum yz_err err;
    char detail[256];
    /* The part being received. */
    enum part_kind cur;
    char cur_key[YZ_ATTACH_PART_NAME_MAX + 1];
    uint64_t cur_bytes;
    int cur_text;
    /* The file. */
    bool have_file, finished, placed;
    int fd;
    int lock_fd;
    char *tmp_path; /* in this allocation, after dir; "" when there is no temp file */
    size_t tmp_size;
    char filename[YZ_ATTACH_RAW_NAME_MAX + 1];
    uint64_t size;
    crypto_hash_sha256_state sha;
    char hex[65];
    /* The text fields. */
    struct text_part text[YZ_ATTACH_TEXT_PARTS_MAX];
    int ntext;
    char dir[]; /* the storage directory, then tmp_path's bytes */
};

struct yz_upload *yz_upload_new(const char *storage_dir, uint64_t max_bytes)
{
    size_t n = strlen(storage_dir);
    /* <dir>/uploads/tmp/<32 hex> */
    size_t tmp_size = n + sizeof "/uploads/tmp/" + 32;
    struct yz_upload *u = yz_calloc(1, sizeof *u + n + 1 + tmp_size);
    memcpy(u->dir, storage_dir, n + 1);
    u->tmp_path = u->dir + n + 1;
    u->tmp_size = tmp_size;
    u->max_bytes = max_bytes;
    u->fd = -1;
    u->lock_fd = -1;
    u->cur_text = -1;
    return u;
}

static void drop_tmp(struct yz_upload *u)
{
    if (u->fd >= 0) {
        close(u->fd);
        u->fd = -1;
    }
    if (u->tmp_path[0] && unlink(u->tmp_path) != 0 && errno != ENOENT)
        yz_log_warn("cannot remove %s: %s", u->tmp_path, strerror(errno));
    u->tmp_path[0] = '\0';
}

void yz_upload_fail(struct yz_upload *u, enum yz_err e, const char *detail)
{
    if (u->err != YZ_OK)
        return;
    u->err = e;
    yz_strlcpy(u->detail, detail ? detail : "", sizeof u->detail);
    if (!u->placed)
        drop_tmp(u);
}

static bool fail(struct yz_upload *u, enum yz_err e, const char *detail)
{
    yz_upload_fail(u, e, detail);
    return false;
}

static bool open_tmp(struct yz_upload *u)
{
    char uploads[PATH_SIZE], tmp[PATH_SIZE];
    if (!join(uploads, sizeof uploads, u->dir, "uploads") ||
        !join(tmp, sizeof tmp, uploads, "tmp"))
        return fail(u, YZ_ERR_INTERNAL, NULL);
    enum yz_err e = make_dir(uploads, u->dir);
    if (e == YZ_OK)
        e = make_dir(tmp, uploads);
    if (e != YZ_OK)
        return fail(u, e, NULL);
    unsigned char rnd[16];
    char name[33];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(name, sizeof name, rnd, sizeof rnd);
    if (!join(u->tmp_path, u->tmp_size, tmp, name))
        return fail(u, YZ_ERR_INTERNAL, NULL);
    /* Read and write: the type is sniffed from the file's first bytes read
     * back (yz_upload_place), so that no upload holds them in memory while
     * its body arrives or while it waits for a writer thread. */
    u->fd = open(u->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (u->fd < 0) {
        int err = errno;
        yz_log_error("cannot create %s: %s", u->tmp_path, strerror(err));
        u->tmp_path[0] = '\0';
        return fail(u, io_error(err), NULL);
    }
    crypto_hash_sha256_init(&u->sha);
    return true;
}

static bool identity_encoding(const char *enc)
{
    return strcasecmp(enc, "binary") == 0 || strcasecmp(enc, "8bit") == 0 ||
           strcasecmp(enc, "7bit") == 0;
}

static bool start_part(struct yz_upload *u, const char *key, const char *filename,
                       const char *encoding)
{
    if (strlen(key) > YZ_ATTACH_PART_NAME_MAX)
        return fail(u, YZ_ERR_PAYLOAD_TOO_LARGE, "表单字段名过长");
    if (encoding && *encoding && !identity_encoding(encoding))
        return fail(u, YZ_ERR_BAD_REQUEST, "不支持该传输编码（Content-Transfer-Encoding）");
    yz_strlcpy(u->cur_key, key, sizeof u->cur_key);
    u->cur_bytes = 0;
    if (strcmp(key, "file") == 0) {
        if (u->have_file)
            return fail(u, YZ_ERR_BAD_REQUEST, "每次只能上传一个文件");
        u->have_file = true;
        u->cur = PART_FILE;
        yz_strlcpy(u->filename, filename ? filename : "", sizeof u->filename);
        return open_tmp(u);
    }
    if (filename)
        return fail(u, YZ_ERR_BAD_REQUEST, "文件应放在名为 file 的字段中");
    for (int i = 0; i < u->ntext; i++)
        if (strcmp(u->text[i].name, key) == 0)
            return fail(u, YZ_ERR_BAD_REQUEST, "表单字段重复");
    if (u->ntext == YZ_ATTACH_TEXT_PARTS_MAX)
        return fail(u, YZ_ERR_PAYLOAD_TOO_LARGE, "表单字段过多");
    struct text_part *t = &u->text[u->ntext];
    yz_strlcpy(t->name, key, sizeof t->name);
    yz_buf_init(&t->value, YZ_ATTACH_TEXT_PART_MAX);
    u->cur_text = u->ntext++;
    u->cur = PART_TEXT;
    return true;
}

static bool write_all(int fd, const char *p, size_t n, int *err)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

void yz_attachments_limit_text(uint64_t max_bytes, char *out, size_t size)
{
    unsigned long long m = max_bytes;
    if (m >= 1024 * 1024 && m % (1024 * 1024) == 0)
        snprintf(out, size, "文件不能超过 %llu MB", m >> 20);
    else if (m >= 1024 && m % 1024 == 0)
        snprintf(out, size, "文件不能超过 %llu KB", m >> 10);
    else
        snprintf(out, size, "文件不能超过 %llu 字节", m);
}

static bool file_data(struct yz_upload *u, const char *data, size_t size)
{
    if (size > u->max_bytes - u->size) {
        char msg[128];
        yz_attachments_limit_text(u->max_bytes, msg, sizeof msg);
        return fail(u, YZ_ERR_PAYLOAD_TOO_LARGE, msg);
    }
    crypto_hash_sha256_update(&u->sha, (const unsigned char *)data, size);
    int err = 0;
    if (!write_all(u->fd, data, size, &err)) {
        yz_log_error("cannot write %s: %s", u->tmp_path, strerror(err));
        return fail(u, io_error(err), NULL);
    }
    u->size += size;
    return true;
}

bool yz_upload_feed(struct yz_upload *u, const char *key, const char *filename,
                    const char *encoding, const char *data, uint64_t off, size_t size)
{
    if (u->err != YZ_OK || u->finished)
        return false;
    if (!key)
        key = "";
    /* MHD calls at least once per part, the first time at offset 0 (maybe
     * with no bytes); a later chunk of the same part has off > 0. */
    bool new_part = off == 0 && (u->cur == PART_NONE || strcmp(key, u->cur_key) != 0 ||
                                 u->cur_bytes > 0);
    if (new_part && !start_part(u, key, filename, encoding))
        return false;
    if (off != u->cur_bytes)
        return fail(u, YZ_ERR_BAD_REQUEST, "上传内容格式不正确");
    if (size == 0)
        return true;
    u->cur_bytes += size;
    if (u->cur == PART_FILE)
        return file_data(u, data, size);
    if (!yz_buf_add(&u->text[u->cur_text].value, data, size))
        return fail(u, YZ_ERR_PAYLOAD_TOO_LARGE, "表单字段内容过长");
    return true;
}

void yz_upload_finish(struct yz_upload *u, bool complete)
{
    if (u->finished)
        return;
    u->finished = true;
    if (u->err != YZ_OK)
        return;
    if (!complete) {
        yz_upload_fail(u, YZ_ERR_BAD_REQUEST, "上传内容不完整或格式不正确");
        return;
    }
    if (u->have_file) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&u->sha, h);
        sodium_bin2hex(u->hex, sizeof u->hex, h, sizeof h);
    }
}

enum yz_err yz_upload_error(const struct yz_upload *u, const char **detail)
{
    if (detail)
        *detail = u->detail;
    return u->err;
}

bool yz_upload_has_file(const struct yz_upload *u)
{
    return u->have_file && u->err == YZ_OK;
}

uint64_t yz_upload_size(const struct yz_upload *u)
{
    return u->size;
}

const char *yz_upload_sha256(const struct yz_upload *u)
{
    return u->hex;
}

const char *yz_upload_filename(const struct yz_upload *u)
{
    return u->filename;
}

const char *yz_upload_text(const struct yz_upload *u, const char *name, size_t *len)
{
    for (int i = 0; i < u->ntext; i++) {
        if (strcmp(u->text[i].name, name) == 0) {
            if (len)
                *len = u->text[i].value.len;
            return u->text[i].value.data;
        }
    }
    return NULL;
}

int yz_upload_text_count(const struct yz_upload *u)
{
    return u->ntext;
}

const char *yz_upload_text_name(const struct yz_upload *u, int i)
{
    return i >= 0 && i < u->ntext ? u->text[i].name : NULL;
}

/* Length-prefixed, so that no choice of values can make two different
 * uploads look the same. */
static bool add_field(struct yz_buf *out, const char *s, size_t n)
{
    return yz_buf_addf(out, "%zu:", n) && yz_buf_add(out, s, n) && yz_buf_addc(out, '\n');
}

bool yz_upload_identity(const struct yz_upload *u, struct yz_buf *out)
{
    bool ok = yz_buf_adds(out, "yizhan-upload/1\n") && add_field(out, u->hex, strlen(u->hex)) &&
              yz_buf_addf(out, "%llu\n", (unsigned long long)u->size) &&
              add_field(out, u->filename, strlen(u->filename));
    /* Fields in name order: the order of parts carries no meaning. */
    int order[YZ_ATTACH_TEXT_PARTS_MAX];
    for (int i = 0; i < u->ntext; i++) {
        int k = i;
        while (k > 0 && strcmp(u->text[order[k - 1]].name, u->text[i].name) > 0) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    for (int i = 0; ok && i < u->ntext; i++) {
        const struct text_part *t = &u->text[order[i]];
        ok = add_field(out, t->name, strlen(t->name)) &&
             add_field(out, t->value.data, t->value.len);
    }
    return ok;
}

void yz_upload_discard(struct yz_upload *u)
{
    if (!u->placed)
        drop_tmp(u);
    else if (u->fd >= 0) {
        close(u->fd);
        u->fd = -1;
    }
    if (u->lock_fd >= 0) {
        close(u->lock_fd); /* releases the flock */
        u->lock_fd = -1;
    }
}

void yz_upload_free(struct yz_upload *u)
{
    if (!u)
        return;
    yz_upload_discard(u);
    for (int i = 0; i < u->ntext; i++)
        yz_buf_release(&u->text[i].value);
    free(u);
}

/* ---- content type --------------------------------------------------------- */

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie; /* loaded once, kept for the life of the process */

enum yz_err yz_attachments_sniff(const void *p, size_t n, char *mime, size_t mime_size)
{
    enum yz_err e = YZ_OK;
    mime[0] = '\0';
    pthread_mutex_lock(&magic_lock);
    if (!magic_cookie) {
        /* No decompression, no external programs: only the bytes given. */
        magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
        if (m && magic_load(m, NULL) == 0) {
            magic_cookie = m;
        } else {
            yz_log_error("libmagic: cannot load its database: %s",
                         m && magic_error(m) ? magic_error(m) : "magic_open failed");
            if (m)
                magic_close(m);
        }
    }
    const char *t = magic_cookie ? magic_buffer(magic_cookie, p, n) : NULL;
    if (t) {
        yz_strlcpy(mime, t, mime_size);
    } else {
        if (magic_cookie)
            yz_log_error("libmagic: %s", magic_error(magic_cookie) ? magic_error(magic_cookie) : "?");
        e = YZ_ERR_INTERNAL;
    }
    pthread_mutex_unlock(&magic_lock);
    return e;
}

static const struct {
    const char *mime;
    const char *ext;         /* canonical */
    const char *const *alts; /* also accepted as the name's extension */
} TYPES[] = {
    {"application/pdf", ".pdf", (const char *const[]){".pdf", NULL}},
    {"image/jpeg", ".jpg", (const char *const[]){".jpg", ".jpeg", NULL}},
    {"image/png", ".png", (const char *const[]){".png", NULL}},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

static int type_index(const char *mime)
{
    for (size_t i = 0; mime && i < NTYPES; i++)
        if (strcmp(TYPES[i].mime, mime) == 0)
            return (int)i;
    return -1;
}

bool yz_attachments_mime_allowed(const char *mime)
{
    return type_index(mime) >= 0;
}

const char *yz_attachments_mime_ext(const char *mime)
{
    int i = type_index(mime);
    return i >= 0 ? TYPES[i].ext : NULL;
}

/* ---- names and paths ------------------------------------------------------ */

/* Length of the UTF-8 sequence a lead byte announces (0 for a bad lead). */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                      : c >= 0xf0 && c <= 0xf4   ? 4
                                                 : 0;
}

static uint32_t decode(const unsigned char *s, size_t len)
{
    if (len == 1)
        return s[0];
    uint32_t cp = s[0] & (0x7f >> len);
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | (s[k] & 0x3f);
    return cp;
}

/* Characters a file name must not carry: controls (C0, DEL, C1), and the
 * invisible direction marks and overrides that make "gpj.exe" read as
 * "exe.jpg", and the byte-order mark. */
static bool unwanted(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
           cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0xfeff;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Largest prefix of s[0..n) of at most max bytes that ends on a character boundary. */
static size_t cut_utf8(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t i = max;
    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
        i--;
    return i;
}

void yz_attachments_display_name(const char *raw, const char *mime,
                                 char out[YZ_ATTACH_NAME_MAX + 1])
{
    char clean[YZ_ATTACH_RAW_NAME_MAX + 1];
    size_t n = 0;
    if (!raw)
        raw = "";
    size_t rn = strnlen(raw, YZ_ATTACH_RAW_NAME_MAX);
    /* The last path component: old browsers send "C:\\Users\\x\\a.pdf". */
    const char *base = raw;
    for (size_t i = 0; i < rn; i++)
        if (raw[i] == '/' || raw[i] == '\\')
            base = raw + i + 1;
    const unsigned char *s = (const unsigned char *)base;
    size_t sn = rn - (size_t)(base - raw);
    for (size_t i = 0; i < sn;) {
        size_t len = seq_len(s[i]);
        if (len == 0 || len > sn - i || !yz_utf8_valid((const char *)s + i, len)) {
            i++; /* an invalid byte: dropped */
            continue;
        }
        if (!unwanted(decode(s + i, len))) {
            memcpy(clean + n, s + i, len);
            n += len;
        }
        i += len;
    }
    /* No leading or trailing blanks and dots (hidden files, "..", "a.pdf."). */
    size_t start = 0;
    while (start < n && (clean[start] == ' ' || clean[start] == '.'))
        start++;
    while (n > start && (clean[n - 1] == ' ' || clean[n - 1] == '.'))
        n--;
    const char *stem = clean + start;
    size_t stem_len = n - start;

    /* The extension that must end the name. */
    char ext[16] = "";
    int t = type_index(mime);
    if (t >= 0) {
        bool matches = false;
        for (const char *const *a = TYPES[t].alts; *a; a++)
            if (ends_with_ci(stem, stem_len, *a) && stem_len > strlen(*a))
                matches = true;
        if (matches) {
            /* Keep the sender's own spelling (".PDF") and cut it off the stem. */
            const char *dot = stem + stem_len;
            while (dot > stem && *(dot - 1) != '.')
                dot--;
            size_t el = (size_t)(stem + stem_len - dot) + 1;
            if (el < sizeof ext) {
                memcpy(ext, dot - 1, el);
                ext[el] = '\0';
                stem_len -= el;
            }
        }
        if (!ext[0])
            yz_strlcpy(ext, TYPES[t].ext, sizeof ext);
    }
    if (stem_len == 0) {
        stem = "附件";
        stem_len = strlen(stem);
    }
    size_t el = strlen(ext);
    stem_len = cut_utf8(stem, stem_len, YZ_ATTACH_NAME_MAX - el);
    memcpy(out, stem, stem_len);
    memcpy(out + stem_len, ext, el);
    out[stem_len + el] = '\0';
}

bool yz_attachments_blob_path(const char *storage_dir, const char *hex, char *out, size_t size)
{
    out[0] = '\0';
    if (!is_hex(hex, 64))
        return false;
    int n = snprintf(out, size, "%s/uploads/sha256/%.2s/%s", storage_dir, hex, hex);
    if (n < 0 || (size_t)n >= size) {
        out[0] = '\0';
        return false;
    }
    return true;
}

bool yz_attachments_disposition(const char *name, char *out, size_t size)
{
    struct yz_buf b = YZ_BUF_INIT(size ? size - 1 : 0);
    bool ok = yz_buf_adds(&b, "attachment; filename*=UTF-8''");
    static const char keep[] = "!#$&+-.^_`|~";
    for (const unsigned char *p = (const unsigned char *)name; ok && *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || strchr(keep, *p);
        ok = plain ? yz_buf_addc(&b, (char)*p) : yz_buf_addf(&b, "%%%02X", *p);
    }
    if (ok && size)
        memcpy(out, b.data, b.len + 1);
    else if (size)
        out[0] = '\0';
    yz_buf_release(&b);
    return ok && size;
}

/* ---- placing -------------------------------------------------------------- */

/* The type of the received file, from its first YZ_ATTACH_SNIFF_BYTES read
 * back from the temp file (still in the page cache): the buffer lives only
 * while libmagic looks at it. */
static enum yz_err sniff_file(struct yz_upload *u, char *mime, size_t mime_size)
{
    size_t want = u->size < YZ_ATTACH_SNIFF_BYTES ? (size_t)u->size : YZ_ATTACH_SNIFF_BYTES;
    unsigned char *head = yz_malloc(want ? want : 1);
    size_t got = 0;
    while (got < want) {
        ssize_t r = pread(u->fd, head + got, want - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int er = r < 0 ? errno : EIO;
            yz_log_error("cannot read back %s: %s", u->tmp_path, strerror(er));
            free(head);
            return io_error(er);
        }
        got += (size_t)r;
    }
    enum yz_err e = yz_attachments_sniff(head, got, mime, mime_size);
    free(head);
    return e;
}

enum yz_err yz_upload_place(struct yz_upload *u, char *mime, size_t mime_size, struct yz_buf *err)
{
    mime[0] = '\0';
    if (u->err != YZ_OK || !u->finished || !u->have_file || u->fd < 0 || u->placed)
        YZ_BUG("yz_upload_place on an upload that is not ready");
    /* The content first, so that a refused type costs no fsync. */
    enum yz_err e = sniff_file(u, mime, mime_size);
    if (e != YZ_OK)
        return e;
    if (!yz_attachments_mime_allowed(mime)) {
        yz_buf_addf(err, "不支持的文件类型（检测为 %.60s），仅接受 PDF、JPEG、PNG 文件", mime);
        return YZ_ERR_UNSUPPORTED_MEDIA_TYPE;
    }
    if (fchmod(u->fd, 0400) != 0 || fsync(u->fd) != 0) {
        int er = errno;
        yz_log_error("fsync %s: %s", u->tmp_path, strerror(er));
        return io_error(er);
    }
    char uploads[PATH_SIZE], sha_dir[PATH_SIZE], sub[PATH_SIZE], dst[PATH_SIZE];
    char prefix[3] = {u->hex[0], u->hex[1], '\0'};
    if (!join(uploads, sizeof uploads, u->dir, "uploads") ||
        !join(sha_dir, sizeof sha_dir, uploads, "sha256") ||
        !join(sub, sizeof sub, sha_dir, prefix) ||
        !yz_attachments_blob_path(u->dir, u->hex, dst, sizeof dst))
        return YZ_ERR_INTERNAL;
    if (u->lock_fd < 0) {
        u->lock_fd = open_lock(u->dir);
        if (u->lock_fd < 0)
            return YZ_ERR_STORAGE_IO;
        if (!lock_fd(u->lock_fd, LOCK_SH))
            return YZ_ERR_STORAGE_IO;
    }
    if ((e = make_dir(sha_dir, uploads)) != YZ_OK || (e = make_dir(sub, sha_dir)) != YZ_OK)
        return e;
    if (link(u->tmp_path, dst) != 0) {
        struct stat st;
        if (errno != EEXIST) {
            int er = errno;
            yz_log_error("cannot link %s: %s", dst, strerror(er));
            return io_error(er);
        }
        if (lstat(dst, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == u->size) {
            /* Deduplicated. A fresh time keeps the collector off it until
             * the row is in (it also waits on the lock we hold). */
            if (utimensat(AT_FDCWD, dst, NULL, AT_SYMLINK_NOFOLLOW) != 0)
                yz_log_warn("cannot touch %s: %s", dst, strerror(errno));
        } else if (rename(u->tmp_path, dst) != 0) {
            /* Not what the name promises: replace it with the verified bytes. */
            int er = errno;
            yz_log_error("cannot replace damaged %s: %s", dst, strerror(er));
            return io_error(er);
        } else {
            yz_log_warn("replaced damaged content file %s", dst);
        }
    }
    if ((e = fsync_dir(sub)) != YZ_OK)
        return e;
    u->placed = true;
    close(u->fd);
    u->fd = -1;
    if (unlink(u->tmp_path) != 0 && errno != ENOENT)
        yz_log_warn("cannot remove %s: %s", u->tmp_path, strerror(errno));
    u->tmp_path[0] = '\0';
    return YZ_OK;
}

/* ---- rows ----------------------------------------------------------------- */

static struct yz_sql_def q_insert = YZ_SQL(
    "INSERT INTO attachments(sha256, size, mime, name, kind, title, uploader_id, matter_id,"
    " channel, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_quota = YZ_SQL(
    "SELECT count(*), coalesce(sum(size), 0) FROM attachments"
    " WHERE uploader_id = ? AND created_at > ?");
static struct yz_sql_def q_get = YZ_SQL(
    "SELECT id, sha256, size, mime, name, kind, title, uploader_id, matter_id, created_at"
    " FROM attachments WHERE id = ?");
static struct yz_sql_def q_list = YZ_SQL(
    "SELECT id, sha256, size, mime, name, kind, title, uploader_id, matter_id, created_at"
    " FROM attachments WHERE matter_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
static struct yz_sql_def q_referenced = YZ_SQL(
    "SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1");

static void row_of(struct yz_stmt *st, struct yz_attachment *a)
{
    memset(a, 0, sizeof *a);
    a->id = yz_col_i64(st, 0);
    yz_strlcpy(a->sha256, yz_col_text(st, 1), sizeof a->sha256);
    a->size = yz_col_i64(st, 2);
    yz_strlcpy(a->mime, yz_col_text(st, 3), sizeof a->mime);
    yz_strlcpy(a->name, yz_col_text(st, 4), sizeof a->name);
    yz_strlcpy(a->kind, yz_col_text(st, 5), sizeof a->kind);
    yz_strlcpy(a->title, yz_col_text(st, 6), sizeof a->title);
    a->uploader_id = yz_col_i64(st, 7);
    a->matter_id = yz_col_null(st, 8) ? 0 : yz_col_i64(st, 8);
    a->created_at = yz_col_i64(st, 9);
}

static void stream_of(const struct yz_attachment *a, char *out, size_t size)
{
    if (a->matter_id)
        yz_matter_stream(a->matter_id, out, size);
    else
        snprintf(out, size, "user/%lld", (long long)a->uploader_id);
}

static enum yz_err check_quota(struct yz_tx *tx, int64_t user_id, int64_t size)
{
    struct yz_stmt *st = yz_sql(tx, &q_quota);
    yz_bind_i64(st, 1, user_id);
    yz_bind_i64(st, 2, yz_time_now_ms() - 86400000LL);
    bool row = false;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    if (yz_col_i64(st, 0) + 1 > YZ_ATTACH_DAY_COUNT ||
        yz_col_i64(st, 1) + size > YZ_ATTACH_DAY_BYTES)
        return YZ_ERR_RATE_LIMITED;
    return YZ_OK;
}

/* Attaching to a matter is acting on it: readable first (so that a foreign
 * matter answers exactly as a missing one), then the policy's act decision. */
static enum yz_err may_attach(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                              int64_t matter_id, const char *route)
{
    json_t *m = NULL;
    enum yz_err e = yz_matter_get(tx, app, who, matter_id, route, &m);
    if (e == YZ_OK) {
        struct yz_matter_ref ref = {
            .id = matter_id,
            .court_id = json_integer_value(json_object_get(json_object_get(m, "court"), "id")),
            .participant = json_object_get(m, "my_capacity") != NULL,
        };
        e = yz_policy_matter(app, who, YZ_ACT_ACT, &ref, route);
    }
    json_decref(m);
    return e;
}

enum yz_err yz_attachments_precheck(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, int64_t matter_id,
                                    int64_t size, const char *route)
{
    enum yz_err e = YZ_OK;
    if (matter_id)
        e = may_attach(tx, app, who, matter_id, route);
    if (e == YZ_OK)
        e = check_quota(tx, who->user_id, size);
    return e;
}

enum yz_err yz_attachments_insert(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, struct yz_attachment *a,
                                  const char *channel, const char *route)
{
    a->uploader_id = who->user_id;
    enum yz_err e = yz_attachments_precheck(tx, app, who, a->matter_id, a->size, route);
    if (e != YZ_OK)
        return e;
    a->created_at = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_text(st, 1, a->sha256);
    yz_bind_i64(st, 2, a->size);
    yz_bind_text(st, 3, a->mime);
    yz_bind_text(st, 4, a->name);
    yz_bind_text(st, 5, a->kind[0] ? a->kind : NULL);
    yz_bind_text(st, 6, a->title[0] ? a->title : NULL);
    yz_bind_i64(st, 7, a->uploader_id);
    if (a->matter_id)
        yz_bind_i64(st, 8, a->matter_id);
    else
        yz_bind_null(st, 8);
    yz_bind_text(st, 9, channel);
    yz_bind_i64(st, 10, a->created_at);
    bool row = false;
    if ((e = yz_step(st, &row)) != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    a->id = yz_col_i64(st, 0);

    json_t *payload = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)a->id, "sha256",
                                a->sha256, "size", (json_int_t)a->size, "mime", a->mime);
    if (a->matter_id)
        json_object_set_new(payload, "matter_id", json_integer(a->matter_id));
    if (a->kind[0])
        json_object_set_new(payload, "kind", json_string(a->kind));
    char stream[48];
    stream_of(a, stream, sizeof stream);
    e = yz_app_record(tx, app, stream, "attachment.uploaded", who->user_id, 0, channel, payload,
                      NULL);
    json_decref(payload);
    return e;
}

enum yz_err yz_attachments_get(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, int64_t id, const char *route,
                               struct yz_attachment *out, bool *unparked_denial)
{
    *unparked_denial = false;
    struct yz_stmt *st = yz_sql(tx, &q_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    row_of(st, out);
    if (who->user_id != 0 && who->user_id == out->uploader_id)
        return YZ_OK;
    if (out->matter_id) {
        json_t *m = NULL;
        e = yz_matter_get(tx, app, who, out->matter_id, route, &m);
        json_decref(m);
        return e;
    }
    *unparked_denial = true;
    return YZ_ERR_NOT_FOUND;
}

json_t *yz_attachments_json(const struct yz_attachment *a)
{
    char created[40];
    yz_time_format_utc(a->created_at, created, sizeof created);
    json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)a->id,
                          "sha256", a->sha256, "size", (json_int_t)a->size, "mime", a->mime,
                          "name", a->name, "uploader_id", (json_int_t)a->uploader_id,
                          "created_at", created);
    if (a->matter_id)
        json_object_set_new(o, "matter_id", json_integer(a->matter_id));
    if (a->kind[0])
        json_object_set_new(o, "kind", json_string(a->kind));
    if (a->title[0])
        json_object_set_new(o, "title", json_string(a->title));
    return o;
}

enum yz_err yz_attachments_list(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, int64_t matter_id,
                                int64_t before_id, int limit, const char *route, json_t **out)
{
    json_t *m = NULL;
    enum yz_err e = yz_matter_get(tx, app, who, matter_id, route, &m);
    json_decref(m);
    if (e != YZ_OK)
        return e;
    if (limit <= 0 || limit > yz_tx_max_rows(tx))
        limit = yz_tx_max_rows(tx);
    struct yz_stmt *st = yz_sql(tx, &q_list);
    yz_bind_i64(st, 1, matter_id);
    yz_bind_i64(st, 2, before_id > 0 ? before_id : INT64_MAX);
    yz_bind_i64(st, 3, limit);
    json_t *items = json_array();
    bool row = false;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        struct yz_attachment a;
        row_of(st, &a);
        json_array_append_new(items, yz_attachments_json(&a));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    *out = json_pack("{s:o}", "items", items);
    return YZ_OK;
}

enum yz_err yz_attachments_record_download(struct yz_tx *tx, struct yz_app *app,
                                           const struct yz_principal *who,
                                           const struct yz_attachment *a, const char *channel)
{
    char stream[48];
    stream_of(a, stream, sizeof stream);
    json_t *payload = json_pack("{s:I, s:s}", "id", (json_int_t)a->id, "sha256", a->sha256);
    enum yz_err e = yz_app_record(tx, app, stream, "attachment.downloaded", who->user_id, 0,
                                  channel, payload, NULL);
    json_decref(payload);
    return e;
}

enum yz_err yz_attachments_open(const char *storage_dir, const struct yz_attachment *a, int *fd)
{
    char path[PATH_SIZE];
    *fd = -1;
    if (!yz_attachments_blob_path(storage_dir, a->sha256, path, sizeof path)) {
        yz_log_error("attachment %lld: bad content name", (long long)a->id);
        return YZ_ERR_INTERNAL;
    }
    int f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f < 0) {
        yz_log_error("attachment %lld: cannot open its content: %s", (long long)a->id,
                     strerror(errno));
        return YZ_ERR_INTERNAL;
    }
    struct stat st;
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != a->size) {
        yz_log_error("attachment %lld: content is not a file of %lld bytes", (long long)a->id,
                     (long long)a->size);
        close(f);
        return YZ_ERR_INTERNAL;
    }
    *fd = f;
    return YZ_OK;
}

/* ---- the collector -------------------------------------------------------- */

struct ref_check {
    const char *hex;
    bool referenced;
};

static enum yz_err referenced_tx(struct yz_tx *tx, void *p)
{
    struct ref_check *r = p;
    struct yz_stmt *st = yz_sql(tx, &q_referenced);
    yz_bind_text(st, 1, r->hex);
    return yz_step(st, &r->referenced);
}

static bool older_than(int dirfd, const char *name, int64_t cutoff_s)
{
    struct stat st;
    return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
           (int64_t)st.st_mtime < cutoff_s;
}

struct gc {
    struct yz_app *app;
    int lock;
    int64_t now_s;
    int64_t seen, removed;
};

static void gc_tmp(struct gc *g, const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *de;
    while (g->seen < YZ_ATTACH_GC_BATCH && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        g->seen++;
        if (older_than(dirfd(d), de->d_name, g->now_s - YZ_ATTACH_TMP_MAX_AGE_S)) {
            if (unlinkat(dirfd(d), de->d_name, 0) == 0)
                g->removed++;
            else
                yz_log_warn("cannot remove temp upload %s: %s", de->d_name, strerror(errno));
        }
    }
    closedir(d);
}

/* One content file: unreferenced and old, checked again under the exclusive lock. */
static enum yz_err gc_blob(struct gc *g, int dirfd, const char *name)
{
    int64_t cutoff = g->now_s - YZ_ATTACH_ORPHAN_MIN_AGE_S;
    if (!older_than(dirfd, name, cutoff))
        return YZ_OK;
    struct ref_check r = {name, false};
    enum yz_err e = yz_store_read(g->app->store, referenced_tx, &r);
    if (e != YZ_OK || r.referenced)
        return e;
    if (!lock_fd(g->lock, LOCK_EX))
        return YZ_ERR_STORAGE_IO;
    r.referenced = false;
    e = yz_store_read(g->app->store, referenced_tx, &r);
    if (e == YZ_OK && !r.referenced && older_than(dirfd, name, cutoff)) {
        if (unlinkat(dirfd, name, 0) == 0) {
            g->removed++;
            yz_log_info("removed unreferenced upload content %.12s…", name);
        } else {
            yz_log_warn("cannot remove %s: %s", name, strerror(errno));
        }
    }
    lock_fd(g->lock, LOCK_UN);
    return e;
}

static enum yz_err gc_blobs(struct gc *g, const char *sha_dir)
{
    DIR *d = opendir(sha_dir);
    if (!d)
        return YZ_OK;
    enum yz_err e = YZ_OK;
    struct dirent *de;
    while (e == YZ_OK && g->seen < YZ_ATTACH_GC_BATCH && (de = readdir(d))) {
        if (!is_hex(de->d_name, 2))
            continue;
        int sub_fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub_fd < 0)
            continue;
        DIR *sub = fdopendir(sub_fd);
        if (!sub) {
            close(sub_fd);
            continue;
        }
        struct dirent *fe;
        while (e == YZ_OK && g->seen < YZ_ATTACH_GC_BATCH && (fe = readdir(sub))) {
            /* Only names this module makes: 64 hex digits under their prefix. */
            if (!is_hex(fe->d_name, 64) || strncmp(fe->d_name, de->d_name, 2) != 0)
                continue;
            g->seen++;
            e = gc_blob(g, dirfd(sub), fe->d_name);
        }
        closedir(sub);
    }
    closedir(d);
    return e;
}

enum yz_err yz_attachments_gc(struct yz_app *app, int64_t *removed)
{
    const char *dir = app->cfg.storage.dir;
    char uploads[PATH_SIZE], tmp[PATH_SIZE], sha_dir[PATH_SIZE];
    if (!join(uploads, sizeof uploads, dir, "uploads") ||
        !join(tmp, sizeof tmp, uploads, "tmp") ||
        !join(sha_dir, sizeof sha_dir, uploads, "sha256"))
        return YZ_ERR_INTERNAL;
    struct stat st;
    if (lstat(uploads, &st) != 0 || !S_ISDIR(st.st_mode))
        return YZ_OK; /* nothing was ever uploaded */
    struct gc g = {.app = app, .lock = open_lock(dir), .now_s = yz_time_now_ms() / 1000};
    if (g.lock < 0)
        return YZ_ERR_STORAGE_IO;
    gc_tmp(&g, tmp);
    enum yz_err e = gc_blobs(&g, sha_dir);
    close(g.lock);
    if (removed)
        *removed += g.removed;
    return e;
}
