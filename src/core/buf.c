/* yz_buf: bounded growable buffer (see buf.h for the invariants). */
#include "core/buf.h"
#include "core/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char yz_buf_empty[1];

void yz_buf_init(struct yz_buf *b, size_t max)
{
    b->data = yz_buf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void yz_buf_release(struct yz_buf *b)
{
    if (b->cap)
        free(b->data);
    yz_buf_init(b, b->max);
}

void yz_buf_reset(struct yz_buf *b)
{
    yz_buf_truncate(b, 0);
}

void yz_buf_truncate(struct yz_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    if (b->cap)
        b->data[len] = '\0';
}

char *yz_buf_detach(struct yz_buf *b, size_t *len)
{
    char *p = b->cap ? b->data : yz_strdup("");
    if (len)
        *len = b->len;
    yz_buf_init(b, b->max);
    return p;
}

static bool grow(struct yz_buf *b, size_t extra)
{
    if (extra > b->max - b->len)
        return false;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (b->cap) {
        b->data = yz_realloc(b->data, cap);
    } else {
        b->data = yz_malloc(cap);
        b->data[0] = '\0';
    }
    b->cap = cap;
    return true;
}

bool yz_buf_reserve(struct yz_buf *b, size_t extra)
{
    return grow(b, extra);
}

bool yz_buf_add(struct yz_buf *b, const void *p, size_t n)
{
    if (!grow(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool yz_buf_adds(struct yz_buf *b, const char *s)
{
    return yz_buf_add(b, s, strlen(s));
}

bool yz_buf_addc(struct yz_buf *b, char c)
{
    return yz_buf_add(b, &c, 1);
}

bool yz_buf_vaddf(struct yz_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || !grow(b, (size_t)n))
        return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool yz_buf_addf(struct yz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = yz_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return ok;
}

bool yz_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    bool fits = n < size;
    if (!fits)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return fits;
}
