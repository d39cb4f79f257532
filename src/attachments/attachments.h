/*
 * Attachments: files that signed-in users upload (filing materials, evidence,
 * scans). The bytes live content-addressed under <storage.dir>/uploads; one
 * row per upload in the attachments table says who uploaded what, when, and
 * to which matter. Downloads go by row, never by path.
 *
 * On disk (directories 0700, created on first use):
 *   uploads/tmp/<32 random hex>       an upload being received (O_EXCL, 0600)
 *   uploads/sha256/<2 hex>/<64 hex>   stored content, named by its SHA-256 (0400)
 *   uploads/.lock                     flock: placing a file and committing its
 *                                     row holds it shared; the collector
 *                                     takes it exclusively per file
 * A user's file name never reaches the file system (ASVS 12.3.1): it is kept
 * in the row, sanitised, for display and Content-Disposition only.
 *
 * Durability (SECURITY.md 2.4): the upload is written to a temp file, its
 * type decided from its content (libmagic; PDF, JPEG and PNG only; a refused
 * file costs no fsync), the file fsync'd, linked into place, the directory
 * fsync'd, and only then is the row committed. A
 * crash in between leaves a file without a row: never served, and removed by
 * yz_attachments_gc. Identical content is stored once; every upload still gets
 * its own row (its own uploader, matter, name, time and receipt), so deleting
 * or re-attaching one never affects another.
 *
 * Limits: server.max_upload_bytes per file; YZ_ATTACH_DAY_COUNT uploads and
 * YZ_ATTACH_DAY_BYTES per user in any 24 hours (rolling window, checked in the
 * inserting transaction, so concurrent uploads cannot both slip under it).
 */
#ifndef YZ_ATTACHMENTS_ATTACHMENTS_H
#define YZ_ATTACHMENTS_ATTACHMENTS_H

#include "core/buf.h"
#include "core/error.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

/* Per-user quota over any 24 hours (ASVS 12.1.3); past it: YZ_ERR_RATE_LIMITED. */
#define YZ_ATTACH_DAY_COUNT 200
#define YZ_ATTACH_DAY_BYTES (500LL * 1024 * 1024)
/* A stored display name: at most this many bytes of valid UTF-8. */
#define YZ_ATTACH_NAME_MAX 255
/* Raw file names longer than this (bytes, as sent) are cut before sanitising. */
#define YZ_ATTACH_RAW_NAME_MAX 1024
/* Small form fields that travel with the file. */
#define YZ_ATTACH_TEXT_PARTS_MAX 8
#define YZ_ATTACH_TEXT_PART_MAX 1024 /* bytes per value */
#define YZ_ATTACH_PART_NAME_MAX 64   /* bytes per field name */
/* Multipart framing and text parts may add this much to a body beyond the file. */
#define YZ_ATTACH_MULTIPART_SLACK (64 * 1024)
/* The type is decided from this many leading bytes. */
#define YZ_ATTACH_SNIFF_BYTES (64 * 1024)
/* Temp files older than this are a crashed upload's and are collected. */
#define YZ_ATTACH_TMP_MAX_AGE_S 3600
/* Content files without a row are collected once they are this old, so that
 * a file placed a moment ago whose row is being committed is never touched. */
#define YZ_ATTACH_ORPHAN_MIN_AGE_S 3600
/* Files the collector looks at per pass (a backlog drains over passes). */
#define YZ_ATTACH_GC_BATCH 10000

/* ---- the upload sink ----------------------------------------------------
 *
 * The server feeds it the parts of a multipart/form-data body as they
 * arrive (MHD's post processor): the part named "file" is streamed to a temp
 * file and hashed (SHA-256) as it goes; up to YZ_ATTACH_TEXT_PARTS_MAX other
 * parts of at most YZ_ATTACH_TEXT_PART_MAX bytes are kept in memory. The
 * first problem is recorded (see yz_upload_error) and ends the upload: the
 * temp file is removed at once and nothing more is written.
 */
struct yz_upload;

/* A new, empty upload that will write under storage_dir/uploads/tmp and
 * refuse a file over max_bytes. Never NULL (allocation aborts). */
struct yz_upload *yz_upload_new(const char *storage_dir, uint64_t max_bytes);

/*
 * One chunk of one part, as MHD's post processor hands it over: key is the
 * part's name, filename its file name (NULL for plain fields), encoding its
 * Content-Transfer-Encoding (NULL when absent), data/size the bytes at offset
 * off within the part's value. Returns false once the upload has failed
 * (stop feeding). Problems recorded:
 *   PAYLOAD_TOO_LARGE  the file passes max_bytes; more than
 *                      YZ_ATTACH_TEXT_PARTS_MAX fields, or a field or field
 *                      name too long
 *   BAD_REQUEST        a second file part, a file under another name, a
 *                      transfer encoding other than binary/8bit/7bit, a
 *                      field sent twice
 *   STORAGE_FULL / STORAGE_IO   the temp file cannot be created or written
 */
bool yz_upload_feed(struct yz_upload *u, const char *key, const char *filename,
                    const char *encoding, const char *data, uint64_t off, size_t size);
/* Records e (with a Chinese detail, may be NULL) unless an error is recorded
 * already; removes the temp file. */
void yz_upload_fail(struct yz_upload *u, enum yz_err e, const char *detail);
/* The body has ended; complete says whether the multipart framing was whole
 * (BAD_REQUEST otherwise). Finishes the hash. */
void yz_upload_finish(struct yz_upload *u, bool complete);
/* YZ_OK, or the first problem; *detail (may be NULL) receives a Chinese
 * detail or "" (owned by u). */
enum yz_err yz_upload_error(const struct yz_upload *u, const char **detail);

/* After yz_upload_finish without error: */
bool yz_upload_has_file(const struct yz_upload *u);
uint64_t yz_upload_size(const struct yz_upload *u);
const char *yz_upload_sha256(const struct yz_upload *u); /* 64 lower-case hex, "" before finish */
const char *yz_upload_filename(const struct yz_upload *u); /* raw, as sent (bounded); "" if none */
/* A text field's value (NUL-terminated; *len, when not NULL, gets its byte
 * length, which differs from strlen when the value holds a NUL), or NULL. */
const char *yz_upload_text(const struct yz_upload *u, const char *name, size_t *len);
/* The text fields by index, 0 <= i < count, in arrival order. */
int yz_upload_text_count(const struct yz_upload *u);
const char *yz_upload_text_name(const struct yz_upload *u, int i);
/* What makes two uploads the same request, for idempotency: the file's
 * SHA-256, size and raw name and every text field. Appends to out; false
 * when out's maximum was reached. */
bool yz_upload_identity(const struct yz_upload *u, struct yz_buf *out);

/*
 * Decides the received file's type and makes it durable: detects the MIME
 * type from its first bytes and, when it is allowed, fsyncs the temp file
 * (made read-only), links it to uploads/sha256/<2>/<hex> (or, when that
 * exists with the same size, keeps the existing file and refreshes its time;
 * a different size means damage, and the verified bytes replace it) and
 * fsyncs the directory. mime (size >= 64) receives the detected type either way.
 * While placed, the upload holds the uploads lock shared (released by
 * yz_upload_discard), so the collector cannot remove the file before its row
 * is committed. Returns YZ_OK; UNSUPPORTED_MEDIA_TYPE (Chinese detail naming
 * the detected type in err); STORAGE_FULL / STORAGE_IO / INTERNAL.
 */
enum yz_err yz_upload_place(struct yz_upload *u, char *mime, size_t mime_size, struct yz_buf *err);
/* Removes the temp file unless the content was placed, and releases the
 * uploads lock. Call it once the response is decided (the server does, before
 * the response is sent, so that nothing is left behind when a client sees an
 * error). Idempotent. */
void yz_upload_discard(struct yz_upload *u);
/* Discards and frees; NULL is harmless. */
void yz_upload_free(struct yz_upload *u);
/* The Chinese detail of a 413 for this limit: "文件不能超过 20 MB" (1024-based
 * units, as the configuration writes them; bytes when not a whole KB). */
void yz_attachments_limit_text(uint64_t max_bytes, char *out, size_t size);

/* ---- content type, names and paths (pure functions) ------------------- */

/*
 * The MIME type of the bytes p[0..n) by libmagic (MAGIC_MIME_TYPE; one
 * handle loaded once and shared under a lock), into mime (size >= 64).
 * Returns YZ_OK or YZ_ERR_INTERNAL (libmagic unusable; logged).
 */
enum yz_err yz_attachments_sniff(const void *p, size_t n, char *mime, size_t mime_size);
/* Whether uploads of this type are accepted: application/pdf, image/jpeg, image/png. */
bool yz_attachments_mime_allowed(const char *mime);
/* The canonical file extension (".pdf", ".jpg", ".png") of an allowed type, else NULL. */
const char *yz_attachments_mime_ext(const char *mime);

/*
 * The name to store and show for a raw client-sent file name: the last
 * component after '/' or '\'; invalid UTF-8, control characters (C0, DEL,
 * C1) and bidirectional overrides removed (they disguise extensions);
 * leading and trailing blanks and dots removed; then, when mime is an
 * allowed type and the name does not end in one of its extensions
 * (case-insensitive), its canonical extension appended (a PDF called
 * "x.html" becomes "x.html.pdf", so a saved copy never opens as something
 * else); cut at a character boundary to YZ_ATTACH_NAME_MAX bytes keeping
 * the extension; "附件" plus the extension when nothing is left.
 * out must hold YZ_ATTACH_NAME_MAX + 1 bytes.
 */
void yz_attachments_display_name(const char *raw, const char *mime,
                                 char out[YZ_ATTACH_NAME_MAX + 1]);

/* "<storage_dir>/uploads/sha256/<hex[0..2]>/<hex>". False (out "") when hex
 * is not 64 lower-case hex digits or the path does not fit. */
bool yz_attachments_blob_path(const char *storage_dir, const char *hex, char *out, size_t size);

/* Content-Disposition for a download: attachment; filename*=UTF-8''<name
 * percent-encoded per RFC 8187 (attr-char kept, every other byte %XX)>.
 * False when it does not fit (size >= 3 * YZ_ATTACH_NAME_MAX + 40 always fits). */
bool yz_attachments_disposition(const char *name, char *out, size_t size);

/* ---- rows ------------------------------------------------------------- */

struct yz_attachment {
    int64_t id;
    char sha256[65];
    int64_t size;
    char mime[64];
    char name[YZ_ATTACH_NAME_MAX + 1];
    char kind[48];    /* material code of the filing checklist (catalog.h), "" if none */
    char title[404];  /* up to 100 characters, "" if none */
    int64_t uploader_id;
    int64_t matter_id; /* 0 = not attached to a matter */
    int64_t created_at; /* UTC ms */
};

/*
 * Inserts a (placed) upload's row and its "attachment.uploaded" event (on
 * "matter/<id>" when attached to a matter, else "user/<uploader>"; payload
 * id, sha256, size, mime, matter_id, kind; never the name or title, which may
 * carry personal data). a->id and a->created_at are set here; the other
 * fields come filled. Checks, in this transaction:
 *   - the quota: YZ_ERR_RATE_LIMITED;
 *   - for a matter, that the uploader may act on it (read through
 *     yz_matter_get, then the policy's act decision): YZ_ERR_NOT_FOUND,
 *     the denial parked for yz_policy_flush_denial.
 */
enum yz_err yz_attachments_insert(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, struct yz_attachment *a,
                                  const char *channel, const char *route);
/* The checks of yz_attachments_insert alone (for a read transaction before
 * the file is placed, so a refused upload leaves no file behind). */
enum yz_err yz_attachments_precheck(struct yz_tx *tx, struct yz_app *app,
                                    const struct yz_principal *who, int64_t matter_id,
                                    int64_t size, const char *route);

/*
 * The attachment as who may see it: its uploader always; when it is attached
 * to a matter, whoever the policy lets read that matter. Anything else is
 * YZ_ERR_NOT_FOUND, exactly as for a missing id. A denial through the matter
 * is parked by the policy; for an attachment without a matter *unparked_denial
 * is set and the caller records it (yz_policy_record_denial) once the
 * transaction is over.
 */
enum yz_err yz_attachments_get(struct yz_tx *tx, struct yz_app *app,
                               const struct yz_principal *who, int64_t id, const char *route,
                               struct yz_attachment *out, bool *unparked_denial);
/* Attachments of a matter the caller may read (NOT_FOUND otherwise), newest
 * first, ids below before_id (0 = from the newest), at most limit (capped by
 * the store's row cap): {"items": [...]}. */
enum yz_err yz_attachments_list(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, int64_t matter_id,
                                int64_t before_id, int limit, const char *route, json_t **out);
/* The row as the API shows it (new reference). */
json_t *yz_attachments_json(const struct yz_attachment *a);
/* Appends "attachment.downloaded" (payload id, sha256) by who. */
enum yz_err yz_attachments_record_download(struct yz_tx *tx, struct yz_app *app,
                                           const struct yz_principal *who,
                                           const struct yz_attachment *a, const char *channel);
/* Opens the stored content of a for reading (O_NOFOLLOW) and checks it is a
 * regular file of the recorded size: *fd (the caller closes it), or
 * YZ_ERR_INTERNAL (missing or damaged content: logged, never served). */
enum yz_err yz_attachments_open(const char *storage_dir, const struct yz_attachment *a, int *fd);

/*
 * The collector: removes content files under uploads/sha256 that no row
 * references and that are older than YZ_ATTACH_ORPHAN_MIN_AGE_S, and temp
 * files older than YZ_ATTACH_TMP_MAX_AGE_S; at most YZ_ATTACH_GC_BATCH files
 * looked at per call. Each removal holds the uploads lock exclusively and
 * re-checks the row under it. Adds the number of files removed to *removed
 * (may be NULL). Never removes anything a row references.
 */
enum yz_err yz_attachments_gc(struct yz_app *app, int64_t *removed);

#endif
