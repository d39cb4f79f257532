/*
 * A growable byte buffer with git strbuf's invariants: `data` is never NULL
 * and always NUL-terminated, so it can be used as a C string at any time.
 * Like curl's dynbuf it has a mandatory maximum: an append that would pass it
 * fails and leaves the buffer unchanged, so input can never grow it unbounded.
 */
#ifndef YZ_CORE_BUF_H
#define YZ_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct yz_buf {
    char *data;  /* never NULL, NUL-terminated */
    size_t len;  /* bytes used, not counting the NUL */
    size_t cap;  /* bytes allocated for data (0 while data points at a shared "") */
    size_t max;  /* largest len allowed */
};

/* A {pointer, length} view into bytes someone else owns. */
struct yz_slice {
    const char *p;
    size_t n;
};

#define YZ_BUF_INIT(maxlen) {yz_buf_empty, 0, 0, (maxlen)}
extern char yz_buf_empty[1];

void yz_buf_init(struct yz_buf *b, size_t max);
/* Frees the memory and leaves an empty buffer that can be reused. */
void yz_buf_release(struct yz_buf *b);
/* Empties the buffer but keeps its memory. */
void yz_buf_reset(struct yz_buf *b);
/* Cuts the buffer back to its first len bytes (len <= b->len): undoes appends. */
void yz_buf_truncate(struct yz_buf *b, size_t len);
/* Hands the NUL-terminated bytes to the caller (free() them); the buffer is left empty. */
char *yz_buf_detach(struct yz_buf *b, size_t *len);

/* Makes room for extra more bytes without appending (later appends of up to
 * that many do not reallocate); false (buffer unchanged) past max. */
bool yz_buf_reserve(struct yz_buf *b, size_t extra);

/* Appends; return false (buffer unchanged) when the result would exceed max. */
bool yz_buf_add(struct yz_buf *b, const void *p, size_t n);
bool yz_buf_adds(struct yz_buf *b, const char *s);
bool yz_buf_addc(struct yz_buf *b, char c);
bool yz_buf_addf(struct yz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool yz_buf_vaddf(struct yz_buf *b, const char *fmt, va_list ap);

/* Copies at most size-1 bytes of src into dst, always NUL-terminating (size > 0).
 * Returns false when src was truncated. */
bool yz_strlcpy(char *dst, const char *src, size_t size);

#endif
