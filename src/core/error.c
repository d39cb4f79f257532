/* Error table lookups, BUG() and the aborting allocators. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int status;
    const char *code;
    const char *message;
} errors[] = {
#define YZ_ERR_ROW(name, status, code, msg) {status, code, msg},
    YZ_ERRORS(YZ_ERR_ROW)
#undef YZ_ERR_ROW
};

static int valid(enum yz_err e)
{
    return (int)e >= 0 && e < YZ_ERR__COUNT;
}

int yz_err_status(enum yz_err e)
{
    if (!valid(e) || errors[e].status == 0)
        return 500;
    return errors[e].status;
}

const char *yz_err_code(enum yz_err e)
{
    return valid(e) ? errors[e].code : errors[YZ_ERR_INTERNAL].code;
}

const char *yz_err_message(enum yz_err e)
{
    return valid(e) ? errors[e].message : errors[YZ_ERR_INTERNAL].message;
}

void yz_bug(const char *file, int line, const char *func, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "BUG %s:%d %s: ", file, line, func);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static void *oom(size_t n)
{
    fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", n);
    abort();
}

void *yz_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom(n);
}

void *yz_calloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    return p ? p : oom(count * n);
}

void *yz_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom(n);
}

char *yz_strndup(const char *s, size_t n)
{
    char *p = yz_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *yz_strdup(const char *s)
{
    return yz_strndup(s, strlen(s));
}
