/* Unit tests for src/filing/csv.c: the strict RFC 4180 reader and the report writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "filing/csv.h"

static const struct yz_csv_limits LIM = {
    .max_field_bytes = 64, .max_columns = 8, .max_records = 10};

/* Parses s (strlen) with LIM and expects success. */
static void parse_ok(const char *s, size_t n, struct yz_csv *c)
{
    struct yz_csv_error err;
    enum yz_err e = yz_csv_parse(s, n, &LIM, c, &err);
    if (e != YZ_OK)
        print_error("unexpected %s: %s\n", err.code, err.message);
    assert_int_equal(e, YZ_OK);
}

/* Parses and expects the error code at the given line and column. */
static void parse_fails(const char *s, size_t n, const struct yz_csv_limits *lim, const char *code,
                        size_t line, size_t column)
{
    struct yz_csv c;
    struct yz_csv_error err;
    assert_int_equal(yz_csv_parse(s, n, lim ? lim : &LIM, &c, &err), YZ_ERR_VALIDATION);
    assert_string_equal(err.code, code);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_true(err.message[0] != '\0');
    assert_int_equal(c.count, 0);
    assert_null(c.records);
}

static void field_is(const struct yz_csv *c, size_t rec, size_t col, const char *want)
{
    assert_true(rec < c->count);
    assert_true(col < c->records[rec].count);
    const struct yz_slice *f = &c->records[rec].fields[col];
    assert_int_equal(f->n, strlen(want));
    assert_memory_equal(f->p, want, f->n);
    assert_int_equal(f->p[f->n], '\0');
}

static void plain_records_with_lf_crlf_and_cr(void **state)
{
    const char *s = "name,amount\nA,1\r\nB,2\rC,3";
    struct yz_csv c;
    parse_ok(s, strlen(s), &c);
    assert_int_equal(c.count, 4);
    field_is(&c, 0, 0, "name");
    field_is(&c, 0, 1, "amount");
    field_is(&c, 1, 0, "A");
    field_is(&c, 2, 1, "2");
    field_is(&c, 3, 0, "C");
    field_is(&c, 3, 1, "3");
    assert_int_equal(c.records[1].line, 2);
    assert_int_equal(c.records[2].line, 3);
    assert_int_equal(c.records[3].line, 4);
    yz_csv_release(&c);
    yz_csv_release(&c); /* harmless twice */
}

static void quotes_doubled_quotes_and_embedded_breaks(void **state)
{
    const char *s = "a,b,c\r\n\"x, y\",\"he said "
                    "\"\"hi\"\"\",\"line1\r\nline2\nline3\"\r\n\"\",,\"\"\"\"\r\nnext,1,2\r\n";
    struct yz_csv c;
    parse_ok(s, strlen(s), &c);
    assert_int_equal(c.count, 4);
    field_is(&c, 1, 0, "x, y");
    field_is(&c, 1, 1, "he said \"hi\"");
    field_is(&c, 1, 2, "line1\r\nline2\nline3");
    field_is(&c, 2, 0, "");
    field_is(&c, 2, 1, "");
    field_is(&c, 2, 2, "\"");
    /* Physical lines: the quoted field spans lines 2-4, so the next records start on 5 and 6. */
    assert_int_equal(c.records[1].line, 2);
    assert_int_equal(c.records[2].line, 5);
    assert_int_equal(c.records[3].line, 6);
    yz_csv_release(&c);
}

static void bom_empty_lines_and_trailing_separator(void **state)
{
    const char *s = "\xEF\xBB\xBF"
                    "被告,金额\n\n\r\n张三,\n李四,5\n\n";
    struct yz_csv c;
    parse_ok(s, strlen(s), &c);
    assert_int_equal(c.count, 3);
    field_is(&c, 0, 0, "被告"); /* the BOM is not part of the first header */
    field_is(&c, 1, 0, "张三");
    field_is(&c, 1, 1, ""); /* empty last field */
    assert_int_equal(c.records[1].line, 4);
    field_is(&c, 2, 1, "5");
    yz_csv_release(&c);

    /* An empty last field at the very end of the input. */
    parse_ok("a,b\nc,", 6, &c);
    assert_int_equal(c.count, 2);
    field_is(&c, 1, 1, "");
    yz_csv_release(&c);

    /* Nothing at all, or only line breaks and a BOM: no records, not an error. */
    parse_ok("", 0, &c);
    assert_int_equal(c.count, 0);
    yz_csv_release(&c);
    parse_ok("\xEF\xBB\xBF\r\n\n", 6, &c);
    assert_int_equal(c.count, 0);
    yz_csv_release(&c);
}

static void ragged_rows_are_errors(void **state)
{
    parse_fails("a,b,c\n1,2,3\n1,2\n", 16, NULL, "csv_ragged", 3, 0);
    parse_fails("a,b\n1,2,3\n", 10, NULL, "csv_ragged", 2, 0);
    /* The line named is where the record starts, after a multi-line field. */
    parse_fails("a,b\n\"x\ny\",2\n1\n", 14, NULL, "csv_ragged", 4, 0);
}

static void quoting_errors(void **state)
{
    parse_fails("a,b\nx\"y,2\n", 10, NULL, "csv_bare_quote", 2, 1);
    parse_fails("a,b\n1,\"open\n", 12, NULL, "csv_unterminated_quote", 2, 2);
    parse_fails("a,b\n\"x\"y,2\n", 11, NULL, "csv_text_after_quote", 2, 1);
}

static void bytes_that_are_not_text(void **state)
{
    parse_fails("a,b\n1,\xff\xfe\n", 9, NULL, "csv_invalid_utf8", 2, 2);
    parse_fails("a,b\n1,\xe9\x87\n", 9, NULL, "csv_invalid_utf8", 2, 2);      /* truncated 3-byte */
    parse_fails("a,b\n\"\xc0\xaf\",1\n", 11, NULL, "csv_invalid_utf8", 2, 1); /* overlong */
    const char nul[] = "a,b\n1,x\0y\n";
    parse_fails(nul, sizeof nul - 1, NULL, "csv_nul", 2, 2);
}

static void limits_are_enforced(void **state)
{
    /* A field of exactly the limit passes; one byte more fails, quoted or not. */
    char s[256];
    memset(s, 'x', 64);
    memcpy(s + 64, ",y\n", 3);
    struct yz_csv c;
    parse_ok(s, 67, &c);
    yz_csv_release(&c);
    memset(s, 'x', 65);
    memcpy(s + 65, ",y\n", 3);
    parse_fails(s, 68, NULL, "csv_field_too_long", 1, 1);
    s[0] = '"';
    memset(s + 1, 'x', 65);
    memcpy(s + 66, "\",y\n", 4);
    parse_fails(s, 70, NULL, "csv_field_too_long", 1, 1);
    /* Doubled quotes count once: 64 bytes after unquoting. */
    s[0] = '"';
    memset(s + 1, 'x', 62);
    memcpy(s + 63, "\"\"\"\"\"\n", 6); /* xx..x "" "" " -> 62 x + 2 quotes */
    parse_ok(s, 69, &c);
    assert_int_equal(c.records[0].fields[0].n, 64);
    yz_csv_release(&c);

    parse_fails("1,2,3,4,5,6,7,8,9\n", 18, NULL, "csv_too_many_columns", 1, 9);
    struct yz_csv_limits three = {.max_field_bytes = 10, .max_columns = 4, .max_records = 3};
    parse_fails("h\n1\n2\n3\n", 8, &three, "csv_too_many_records", 4, 0);
    struct yz_csv_error err;
    assert_int_equal(yz_csv_parse("h\n1\n2\n", 6, &three, &c, &err), YZ_OK);
    assert_int_equal(c.count, 3);
    yz_csv_release(&c);
}

static void writer_quotes_and_guards_formulas(void **state)
{
    struct yz_buf b = YZ_BUF_INIT(1024);
    assert_true(yz_csv_write_field(&b, "行号", strlen("行号"), true));
    assert_true(yz_csv_write_field(&b, "a,b", 3, false));
    assert_true(yz_csv_write_field(&b, "say \"hi\"", 8, false));
    assert_true(yz_csv_write_field(&b, "x\ny", 3, false));
    assert_true(yz_csv_write_field(&b, "=SUM(A1)", 8, false));
    assert_true(yz_csv_write_field(&b, "", 0, false));
    assert_true(yz_csv_write_end(&b));
    assert_string_equal(b.data, "行号,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",\"'=SUM(A1)\",\r\n");

    /* What the writer writes, the reader reads back (the formula guard aside). */
    struct yz_csv c;
    parse_ok(b.data, b.len, &c);
    assert_int_equal(c.count, 1);
    field_is(&c, 0, 1, "a,b");
    field_is(&c, 0, 2, "say \"hi\"");
    field_is(&c, 0, 3, "x\ny");
    field_is(&c, 0, 4, "'=SUM(A1)");
    yz_csv_release(&c);
    yz_buf_release(&b);

    /* Over the buffer's maximum: refused and the buffer left as it was. */
    struct yz_buf small = YZ_BUF_INIT(8);
    assert_true(yz_csv_write_field(&small, "abc", 3, true));
    assert_false(yz_csv_write_field(&small, "d,e,f,g", 7, false));
    assert_string_equal(small.data, "abc");
    assert_int_equal(small.len, 3);
    yz_buf_release(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_records_with_lf_crlf_and_cr),
        cmocka_unit_test(quotes_doubled_quotes_and_embedded_breaks),
        cmocka_unit_test(bom_empty_lines_and_trailing_separator),
        cmocka_unit_test(ragged_rows_are_errors),
        cmocka_unit_test(quoting_errors),
        cmocka_unit_test(bytes_that_are_not_text),
        cmocka_unit_test(limits_are_enforced),
        cmocka_unit_test(writer_quotes_and_guards_formulas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
