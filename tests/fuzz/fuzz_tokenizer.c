/*
 * libFuzzer target: the CJK bigram tokenizer (src/search/tokenizer.h) on
 * arbitrary bytes, both sides. Every token must be 1..YZ_TOK_MAX bytes, lie
 * inside the input, start no earlier than the one before and, on the query
 * side, never be colocated; the document side has at least as many tokens.
 */
#include "search/tokenizer.h"

#include <stdint.h>
#include <string.h>

struct check {
    size_t n, last_start, count;
    int mode;
};

static int check(void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct check *c = ctx;
    if (len == 0 || len > YZ_TOK_MAX || start >= end || end > c->n || start < c->last_start)
        __builtin_trap();
    if (c->mode == YZ_TOK_QUERY && flags != 0)
        __builtin_trap();
    if (c->count == 0 && flags != 0)
        __builtin_trap();
    volatile char sink = tok[0] ^ tok[len - 1]; /* the bytes are readable */
    (void)sink;
    c->last_start = start;
    c->count++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct check q = {size, 0, 0, YZ_TOK_QUERY}, d = {size, 0, 0, YZ_TOK_DOCUMENT};
    if (yz_tokenize((const char *)data, size, YZ_TOK_QUERY, check, &q) != 0 ||
        yz_tokenize((const char *)data, size, YZ_TOK_DOCUMENT, check, &d) != 0)
        __builtin_trap();
    if (d.count < q.count)
        __builtin_trap();
    return 0;
}
