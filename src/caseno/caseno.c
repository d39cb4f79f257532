#include "caseno/caseno.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#define LPAREN "（"
#define RPAREN "）"

bool yz_caseno_format(const struct yz_caseno *c, char *out, size_t size)
{
    if (c->year < 1949 || c->year > 2999 || c->seq < 1 || c->seq > 99999999 || !c->court_code[0] ||
        !c->type_code[0])
        return false;
    int n = snprintf(out, size, LPAREN "%d" RPAREN "%s%s%lld号", c->year, c->court_code,
                     c->type_code, (long long)c->seq);
    return n > 0 && (size_t)n < size;
}

static const char *skip(const char *s, const char *a, const char *b)
{
    if (strncmp(s, a, strlen(a)) == 0)
        return s + strlen(a);
    if (strncmp(s, b, strlen(b)) == 0)
        return s + strlen(b);
    return NULL;
}

static size_t utf8_char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

bool yz_caseno_parse(const char *s, struct yz_caseno *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(s);
    if (n > 80 || !yz_utf8_valid(s, n))
        return false;
    const char *p = skip(s, LPAREN, "(");
    if (!p)
        return false;
    int year = 0, digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 4) {
        year = year * 10 + (*p++ - '0');
        digits++;
    }
    if (digits != 4 || !(p = skip(p, RPAREN, ")")))
        return false;
    /* Court code: one CJK character (the province) and up to four digits. */
    size_t cl = utf8_char_len((unsigned char)*p);
    if (cl != 3)
        return false;
    size_t code_len = cl;
    while (p[code_len] >= '0' && p[code_len] <= '9' && code_len < cl + 4)
        code_len++;
    memcpy(out->court_code, p, code_len);
    p += code_len;
    /* Type code: CJK characters up to the digits. */
    size_t tl = 0;
    while (p[tl] && !(p[tl] >= '0' && p[tl] <= '9')) {
        size_t l = utf8_char_len((unsigned char)p[tl]);
        if (l != 3 || tl + l >= sizeof out->type_code)
            return false;
        tl += l;
    }
    if (tl == 0)
        return false;
    memcpy(out->type_code, p, tl);
    p += tl;
    int64_t seq = 0;
    digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 9) {
        seq = seq * 10 + (*p++ - '0');
        digits++;
    }
    if (digits == 0 || digits > 8 || strcmp(p, "号") != 0 || seq < 1)
        return false;
    out->year = year;
    out->seq = seq;
    return year >= 1949 && year <= 2999;
}

static struct yz_sql_def q_next = YZ_SQL(
    "INSERT INTO case_sequences(court_id, year, type_code, last) VALUES (?, ?, ?, 1)"
    " ON CONFLICT(court_id, year, type_code) DO UPDATE SET last = last + 1 RETURNING last");

enum yz_err yz_caseno_next(struct yz_tx *tx, int64_t court_id, int year, const char *type_code,
                           int64_t *seq)
{
    struct yz_stmt *st = yz_sql(tx, &q_next);
    yz_bind_i64(st, 1, court_id);
    yz_bind_i64(st, 2, year);
    yz_bind_text(st, 3, type_code);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (!row)
        return YZ_ERR_INTERNAL;
    *seq = yz_col_i64(st, 0);
    return yz_exec(st);
}
