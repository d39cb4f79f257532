/*
 * PDF typesetting (pdf.h): the GB/T 9704 grid of 22 lines a page decides the
 * page breaks exactly, a long paragraph wraps at 28 characters a line and
 * breaks across pages, the output is a complete PDF, and the page cap holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "templates/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A document of n blocks of style, each text (copied). */
static void make_doc(struct yz_doc *d, size_t n, enum yz_tpl_style style, const char *text)
{
    d->title = strdup("测试");
    d->blocks = calloc(n, sizeof *d->blocks);
    d->n = n;
    for (size_t i = 0; i < n; i++) {
        d->blocks[i].style = style;
        d->blocks[i].text = strdup(text);
    }
}

static int render(const struct yz_doc *d, enum yz_err *e)
{
    struct yz_buf out = YZ_BUF_INIT(YZ_PDF_MAX_BYTES), err = YZ_BUF_INIT(256);
    int pages = -1;
    *e = yz_pdf_render(d, &out, &pages, &err);
    if (*e == YZ_OK) {
        assert_true(out.len > 100);
        assert_memory_equal(out.data, "%PDF-", 5);
        assert_non_null(strstr(out.data + out.len - 8, "%%EOF"));
    }
    yz_buf_release(&out);
    yz_buf_release(&err);
    return pages;
}

static void twenty_two_lines_fill_a_page(void **state)
{
    static const size_t lines[][2] = {{1, 1}, {22, 1}, {23, 2}, {44, 2}, {45, 3}};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct yz_doc d = {0};
        make_doc(&d, lines[i][0], YZ_TPL_PLAIN, "审");
        enum yz_err e;
        assert_int_equal(render(&d, &e), (int)lines[i][1]);
        assert_int_equal(e, YZ_OK);
        yz_doc_release(&d);
    }
}

static void a_long_paragraph_wraps_at_28_characters_and_breaks_across_pages(void **state)
{
    /* 28 * 22 - 2 characters of indented paragraph fill exactly one page;
     * one more character starts a second. */
    for (int extra = 0; extra < 2; extra++) {
        size_t chars = 28 * 22 - 2 + (size_t)extra;
        char *text = malloc(chars * 3 + 1);
        for (size_t i = 0; i < chars; i++)
            memcpy(text + 3 * i, "审", 3);
        text[chars * 3] = '\0';
        struct yz_doc d = {0};
        make_doc(&d, 1, YZ_TPL_PARA, text);
        free(text);
        enum yz_err e;
        assert_int_equal(render(&d, &e), 1 + extra);
        yz_doc_release(&d);
    }
}

static void the_page_cap_holds(void **state)
{
    struct yz_doc d = {0};
    make_doc(&d, (size_t)YZ_PDF_MAX_PAGES * 22 + 1, YZ_TPL_PLAIN, "审");
    enum yz_err e;
    assert_int_equal(render(&d, &e), 0);
    assert_int_equal(e, YZ_ERR_PAYLOAD_TOO_LARGE);
    yz_doc_release(&d);
}

static int teardown(void **state)
{
    yz_pdf_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(twenty_two_lines_fill_a_page),
        cmocka_unit_test(a_long_paragraph_wraps_at_28_characters_and_breaks_across_pages),
        cmocka_unit_test(the_page_cap_holds),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
