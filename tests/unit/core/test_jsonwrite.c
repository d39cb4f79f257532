/*
 * Unit tests for src/core/jsonwrite.c: the text is byte for byte what
 * json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes, for hand-picked edge
 * cases and for thousands of random trees; the caps are kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonwrite.h"
#include "lib/randjson.h"

static void expect_text(const char *want, const char *got, size_t got_len)
{
    if (got_len != strlen(want) || memcmp(got, want, got_len) != 0)
        fail_msg("jansson: %s\nours:    %s", want, got);
}

/* Fails unless our writers and json_dumps agree on v, in insertion order and
 * with sorted keys, into a buffer and as a string; consumes v. */
static void same_as_jansson(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *want_sorted = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert_non_null(want);
    assert_non_null(want_sorted);
    struct yz_buf out = YZ_BUF_INIT(1 << 24);
    assert_true(yz_json_write(&out, v));
    expect_text(want, out.data, out.len);
    yz_buf_reset(&out);
    assert_true(yz_json_write_sorted(&out, v));
    expect_text(want_sorted, out.data, out.len);
    char *s = yz_json_dumps(v);
    assert_non_null(s);
    expect_text(want, s, strlen(s));
    free(s);
    s = yz_json_dumps_sorted(v);
    assert_non_null(s);
    expect_text(want_sorted, s, strlen(s));
    free(s);
    free(want);
    free(want_sorted);
    yz_buf_release(&out);
    json_decref(v);
}

static void edge_cases_match_json_dumps(void **state)
{
    same_as_jansson(json_object());
    same_as_jansson(json_array());
    same_as_jansson(json_true());
    same_as_jansson(json_false());
    same_as_jansson(json_null());
    same_as_jansson(json_integer(0));
    same_as_jansson(json_integer(-7));
    same_as_jansson(json_integer(INT64_MAX));
    same_as_jansson(json_integer(INT64_MIN));
    same_as_jansson(json_real(1.5));
    same_as_jansson(json_real(100.0));
    same_as_jansson(json_real(-0.0));
    same_as_jansson(json_real(1e300));
    same_as_jansson(json_real(0.1));
    same_as_jansson(json_string(""));
    same_as_jansson(json_string("诉讼服务 \"引号\" \\反斜杠\\ /斜杠/ \t\n\r\b\f \x01\x1f\x7f"));
    same_as_jansson(json_stringn("a\0b", 3)); /* an escaped NUL inside */
    same_as_jansson(json_string("\xe2\x80\xa8 U+2028 and \xf0\x9f\x98\x80 stay as they are"));
    json_t *o = json_object();
    json_object_set_new(o, "z", json_integer(1)); /* insertion order, not sorted */
    json_object_set_new(o, "a\"\n", json_string("键要转义"));
    json_object_set_new(o, "", json_array());
    json_object_set_new(o, "嵌套", json_pack("{s:[i, {}, [], s, n]}", "x", 1, "y"));
    same_as_jansson(o);
    /* Sorting: a prefix before its extensions, bytes as unsigned, more
     * members than fit on the stack, sorted at every depth. */
    o = json_object();
    json_object_set_new(o, "ab", json_integer(1));
    json_object_set_new(o, "a", json_integer(2));
    json_object_set_new(o, "\xe6\xb3\x95", json_integer(3));
    json_object_set_new(o, "B", json_pack("{s:i, s:i}", "y", 1, "x", 2));
    json_object_set_new(o, "list", json_pack("[{s:i, s:i}]", "d", 1, "c", 2));
    same_as_jansson(o);
    /* First bytes decide most comparisons: an empty key, keys starting with
     * a NUL, a shared first byte, bytes above 0x7f. */
    o = json_object();
    static const struct {
        const char *k;
        size_t n;
    } firsts[] = {{"b", 1}, {"\0a", 2}, {"", 0}, {"\xe6\xb3\x95", 3}, {"\0", 1}, {"ab", 2},
                  {"a", 1}, {"\x7f", 1}, {"\xc2\x80", 2}, {"A", 1}};
    for (size_t i = 0; i < sizeof firsts / sizeof firsts[0]; i++)
        json_object_setn_new_nocheck(o, firsts[i].k, firsts[i].n, json_integer((json_int_t)i));
    same_as_jansson(o);
    o = json_object();
    for (int i = 99; i >= 0; i--) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(o, key, json_integer(i));
    }
    same_as_jansson(o);
}

static void random_trees_match_json_dumps(void **state)
{
    const struct yzt_randjson all = {.reals = true, .nuls = true};
    for (int i = 0; i < 5000; i++)
        same_as_jansson(yzt_random_json(&all, 0));
}

/* Strings are scanned 8 bytes at a time: every byte that needs an escape (and
 * some neighbours that do not: space, '!', '#', '[', ']', DEL, UTF-8 bytes)
 * at every position of strings up to 40 bytes, so each lands on every offset
 * within a word and in the byte-wise tail. Objects of 1 to 40 members in
 * random order cover both ways of sorting (insertion and qsort). */
static void escapes_at_every_offset_match_json_dumps(void **state)
{
    static const unsigned char probes[] = {0x00, 0x01, 0x08, 0x09, 0x0a, 0x1f, 0x20, '!',
                                           '"',  '#',  '[',  '\\', ']',  0x7f, 0x80, 0xe6};
    char s[40];
    for (size_t len = 1; len <= sizeof s; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t p = 0; p < sizeof probes; p++) {
                if (probes[p] >= 0x80 && at + 3 > len)
                    continue; /* a lone byte of 0x80 or above is no UTF-8 */
                memset(s, 'a', len);
                s[at] = (char)probes[p];
                if (probes[p] >= 0x80)
                    memcpy(s + at, "\xe6\xb3\x95", 3); /* a whole code point, 法 */
                json_t *v = json_stringn_nocheck(s, len);
                same_as_jansson(v);
            }
    for (int n = 1; n <= 40; n++) {
        json_t *o = json_object();
        for (int i = 0; i < n; i++) {
            char key[16];
            snprintf(key, sizeof key, "k%d", (i * 7919) % n);
            json_object_set_new(o, key, json_integer(i));
        }
        same_as_jansson(o);
    }
}

static void caps_are_kept(void **state)
{
    /* Depth: one level too many fails, the limit itself passes. */
    json_t *deep = json_array(), *inner = deep;
    for (int i = 0; i < YZ_JSON_WRITE_MAX_DEPTH; i++) {
        json_t *a = json_array();
        json_array_append_new(inner, a);
        inner = a;
    }
    struct yz_buf out = YZ_BUF_INIT(1 << 20);
    assert_true(yz_json_write(&out, deep));
    yz_buf_reset(&out);
    json_array_append_new(inner, json_array());
    assert_false(yz_json_write(&out, deep));
    yz_buf_release(&out);
    json_decref(deep);
    /* Size: the buffer's cap is never passed. */
    json_t *s = json_string("一二三四五六七八九十");
    struct yz_buf small = YZ_BUF_INIT(16);
    assert_false(yz_json_write(&small, s));
    assert_true(small.len <= 16);
    yz_buf_release(&small);
    json_decref(s);
    assert_false(yz_json_write(&small, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(edge_cases_match_json_dumps),
        cmocka_unit_test(random_trees_match_json_dumps),
        cmocka_unit_test(escapes_at_every_offset_match_json_dumps),
        cmocka_unit_test(caps_are_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
