/*
 * The CSV reader is a byte-at-a-time state machine over the input that
 * writes the unquoted fields, each NUL-terminated, into one buffer of n + 2
 * bytes: every field is paid for by the separator or quotes around it, so
 * the buffer never needs to grow (the spare bytes pay for a last field at the
 * end of input). Field and record tables grow geometrically up to the caps.
 * UTF-8 is checked field by field: separators and quotes are ASCII, so the
 * input is valid UTF-8 exactly when every field is, and the error can name
 * the field.
 */
#include "filing/csv.h"
#include "core/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
    const char *p;
    size_t n, pos;
    size_t line;
    const struct yz_csv_limits *lim;
    struct yz_csv_error *err;
    char *text;
    size_t tlen, tcap;
    struct yz_slice *fields;
    size_t nfields, fcap;
    struct rec {
        size_t first, count, line;
    } * recs;
    size_t nrecs, rcap;
};

static enum yz_err fail(struct reader *r, const char *code, size_t line, size_t column,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static enum yz_err fail(struct reader *r, const char *code, size_t line, size_t column,
                        const char *fmt, ...)
{
    r->err->code = code;
    r->err->line = line;
    r->err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err->message, sizeof r->err->message, fmt, ap);
    va_end(ap);
    return YZ_ERR_VALIDATION;
}

static void put(struct reader *r, char c)
{
    if (r->tlen >= r->tcap)
        YZ_BUG("csv text buffer overrun (%zu of %zu)", r->tlen, r->tcap);
    r->text[r->tlen++] = c;
}

static bool line_break(char c)
{
    return c == '\r' || c == '\n';
}

/* Consumes one line break (CRLF counts as one) at r->pos. */
static void skip_break(struct reader *r)
{
    if (r->p[r->pos] == '\r' && r->pos + 1 < r->n && r->p[r->pos + 1] == '\n')
        r->pos++;
    r->pos++;
    r->line++;
}

/* One field starting at r->pos; leaves r->pos on the separator, break or end. */
static enum yz_err field(struct reader *r, size_t column)
{
    size_t start = r->tlen, line = r->line;
    if (r->pos < r->n && r->p[r->pos] == '"') {
        r->pos++;
        for (;;) {
            if (r->pos >= r->n)
                return fail(r, "csv_unterminated_quote", line, column,
                            "第 %zu 行第 %zu 列：双引号没有闭合", line, column);
            char c = r->p[r->pos];
            if (c == '"') {
                if (r->pos + 1 < r->n && r->p[r->pos + 1] == '"') {
                    put(r, '"');
                    r->pos += 2;
                    continue;
                }
                r->pos++;
                break;
            }
            /* A line break inside quotes is data, but still a physical line. */
            if (c == '\n' || (c == '\r' && !(r->pos + 1 < r->n && r->p[r->pos + 1] == '\n')))
                r->line++;
            put(r, c);
            r->pos++;
        }
        if (r->pos < r->n && r->p[r->pos] != ',' && !line_break(r->p[r->pos]))
            return fail(r, "csv_text_after_quote", r->line, column,
                        "第 %zu 行第 %zu 列：闭合的双引号后面还有其他字符", r->line, column);
    } else {
        while (r->pos < r->n && r->p[r->pos] != ',' && !line_break(r->p[r->pos])) {
            if (r->p[r->pos] == '"')
                return fail(r, "csv_bare_quote", line, column,
                            "第 %zu 行第 %zu 列：含双引号的内容须整体用双引号括起，"
                            "内部的双引号写两遍",
                            line, column);
            put(r, r->p[r->pos++]);
        }
    }
    size_t len = r->tlen - start;
    if (len > r->lim->max_field_bytes)
        return fail(r, "csv_field_too_long", line, column, "第 %zu 行第 %zu 列的内容超过 %zu 字节",
                    line, column, r->lim->max_field_bytes);
    if (memchr(r->text + start, '\0', len))
        return fail(r, "csv_nul", line, column, "第 %zu 行第 %zu 列包含空字符（NUL）", line,
                    column);
    if (!yz_utf8_valid(r->text + start, len))
        return fail(r, "csv_invalid_utf8", line, column,
                    "第 %zu 行第 %zu 列不是有效的 UTF-8 文本：请将表格另存为“CSV UTF-8（逗号分隔）”"
                    "格式后重新上传",
                    line, column);
    put(r, '\0');
    if (r->nfields == r->fcap) {
        r->fcap = r->fcap ? r->fcap * 2 : 64;
        r->fields = yz_realloc(r->fields, r->fcap * sizeof *r->fields);
    }
    /* text never moves (its size is fixed up front), so pointers into it stay valid. */
    r->fields[r->nfields].p = r->text + start;
    r->fields[r->nfields].n = len;
    r->nfields++;
    return YZ_OK;
}

static enum yz_err record(struct reader *r)
{
    size_t first = r->nfields, line = r->line, count = 0;
    for (;;) {
        if (count == r->lim->max_columns)
            return fail(r, "csv_too_many_columns", line, count + 1, "第 %zu 行超过 %zu 列", line,
                        r->lim->max_columns);
        enum yz_err e = field(r, ++count);
        if (e != YZ_OK)
            return e;
        if (r->pos < r->n && r->p[r->pos] == ',') {
            r->pos++; /* another field follows, possibly empty at the end of input */
            continue;
        }
        if (r->pos < r->n)
            skip_break(r);
        break;
    }
    if (r->nrecs == r->lim->max_records)
        return fail(r, "csv_too_many_records", line, 0, "表格超过 %zu 行（含表头）",
                    r->lim->max_records);
    if (r->nrecs > 0 && count != r->recs[0].count)
        return fail(r, "csv_ragged", line, 0, "第 %zu 行有 %zu 列，与表头的 %zu 列不一致", line,
                    count, r->recs[0].count);
    if (r->nrecs == r->rcap) {
        r->rcap = r->rcap ? r->rcap * 2 : 16;
        r->recs = yz_realloc(r->recs, r->rcap * sizeof *r->recs);
    }
    r->recs[r->nrecs++] = (struct rec){first, count, line};
    return YZ_OK;
}

enum yz_err yz_csv_parse(const char *p, size_t n, const struct yz_csv_limits *lim,
                         struct yz_csv *out, struct yz_csv_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    err->code = "";
    if (!lim->max_field_bytes || !lim->max_columns || !lim->max_records)
        YZ_BUG("csv limits must be positive");
    struct reader r = {.p = p, .n = n, .line = 1, .lim = lim, .err = err};
    r.tcap = n + 2;
    r.text = yz_malloc(r.tcap);
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        r.pos = 3;
    enum yz_err e = YZ_OK;
    while (r.pos < r.n && e == YZ_OK) {
        if (line_break(r.p[r.pos]))
            skip_break(&r); /* an empty line is not a record */
        else
            e = record(&r);
    }
    if (e != YZ_OK) {
        free(r.text);
        free(r.fields);
        free(r.recs);
        return e;
    }
    out->text = r.text;
    out->fields = r.fields;
    out->count = r.nrecs;
    out->records = r.nrecs ? yz_calloc(r.nrecs, sizeof *out->records) : NULL;
    for (size_t i = 0; i < r.nrecs; i++) {
        out->records[i].fields = r.fields + r.recs[i].first;
        out->records[i].count = r.recs[i].count;
        out->records[i].line = r.recs[i].line;
    }
    free(r.recs);
    return YZ_OK;
}

void yz_csv_release(struct yz_csv *c)
{
    free(c->records);
    free(c->text);
    free(c->fields);
    memset(c, 0, sizeof *c);
}

bool yz_csv_write_field(struct yz_buf *b, const char *s, size_t n, bool first)
{
    size_t saved = b->len;
    bool formula = n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = formula;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    bool ok = first || yz_buf_addc(b, ',');
    if (ok && quote)
        ok = yz_buf_addc(b, '"');
    if (ok && formula)
        ok = yz_buf_addc(b, '\'');
    for (size_t i = 0; ok && i < n; i++)
        ok = yz_buf_addc(b, s[i]) && (s[i] != '"' || yz_buf_addc(b, '"'));
    if (ok && quote)
        ok = yz_buf_addc(b, '"');
    if (!ok && b->len != saved) {
        b->len = saved;
        b->data[saved] = '\0';
    }
    return ok;
}

bool yz_csv_write_end(struct yz_buf *b)
{
    return yz_buf_add(b, "\r\n", 2);
}
