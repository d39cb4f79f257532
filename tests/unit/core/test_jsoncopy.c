/*
 * Unit tests for src/core/jsoncopy.c: copying text in the writer's form less
 * the dropped members gives byte for byte what parsing it with jansson,
 * dropping them from the tree and writing it with yz_json_write gives; for
 * hand-picked cases and thousands of random trees. Text not in the writer's
 * form is refused (the caller's tree path takes it), and a refused copy
 * leaves the output as it was. A hook on one member of the outermost object
 * gives what the tree path gives when it changes that member in the tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsoncopy.h"
#include "core/jsonwrite.h"
#include "lib/randjson.h"

static bool ends_enc(const char *k, size_t n)
{
    return n > 4 && memcmp(k + n - 4, "_enc", 4) == 0;
}

/* The tree path: a copy of v without members whose key ends in "_enc". */
static json_t *drop_tree(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        size_t n;
        json_t *m;
        json_object_keylen_foreach((json_t *)v, k, n, m)
        {
            if (!ends_enc(k, n))
                json_object_setn_new(o, k, n, drop_tree(m));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) json_array_append_new(a, drop_tree(m));
        return a;
    }
    return json_deep_copy(v);
}

/* What a hook does to its member's tree, as matters/view.c adds a forwarded
 * matter's progress: an object gets "seen" (replaced where it stands, else
 * appended) and "n" from its own "n" plus one; anything else stays as it is. */
static void mark(json_t *v)
{
    json_object_set_new(v, "seen", json_true());
    if (json_is_object(v))
        json_object_set_new(v, "n", json_integer(json_integer_value(json_object_get(v, "n")) + 1));
}

/* What the tree path writes for text, or NULL when jansson refuses it; with
 * hooked, the outermost object's "fw" member marked. */
static char *tree_path(const char *text, bool hooked)
{
    json_t *parsed = json_loads(text, 0, NULL);
    if (!parsed)
        return NULL;
    json_t *kept = drop_tree(parsed);
    json_t *fw = hooked ? json_object_get(kept, "fw") : NULL;
    if (fw)
        mark(fw);
    char *s = yz_json_dumps(kept);
    json_decref(parsed);
    json_decref(kept);
    return s;
}

/* Copies text after a prefix already in the buffer, with hook (on "fw") or
 * none: true when the copy was taken, and then it must equal the tree path's
 * text. */
static bool copy_with_hook_matches_tree(const char *text, const struct yz_json_hook *hook)
{
    struct yz_buf out = YZ_BUF_INIT(1 << 20);
    assert_true(yz_buf_adds(&out, "prefix:"));
    bool copied = yz_json_copy(&out, text, strlen(text), ends_enc, hook);
    if (copied) {
        char *want = tree_path(text, hook != NULL);
        if (!want || strcmp(want, out.data + 7) != 0)
            fail_msg("text: %s\ntree: %s\ncopy: %s", text, want ? want : "(refused)",
                     out.data + 7);
        free(want);
    } else {
        assert_string_equal(out.data, "prefix:"); /* restored */
    }
    yz_buf_release(&out);
    return copied;
}

static bool copy_matches_tree(const char *text)
{
    return copy_with_hook_matches_tree(text, NULL);
}

static void drops_sealed_members_at_any_depth(void **state)
{
    (void)state;
    static const char *const taken[] = {
        "{}",
        "[]",
        "{\"a\":1}",
        "{\"a_enc\":\"x\"}",
        "{\"a_enc\":\"x\",\"b\":2}",
        "{\"a\":1,\"b_enc\":{\"c\":[1,2]},\"d\":[{\"e_enc\":\"y\",\"f\":null}]}",
        "{\"_enc\":1,\"x_enc\":2}",
        "[{\"p_enc\":{\"q\":[]}},{},[[{\"r_enc\":true}]]]",
        "{\"name\":\"王小明\",\"citizen_id_enc\":\"v1:abc\",\"citizen_id_masked\":\"5001**********1232\"}",
        "{\"s\":\"tab\\tquote\\\"back\\\\slash/\\u001F\\u0001\\n\\r\\b\\f\"}",
        "{\"k\\\"_enc\":1,\"k\\\\\":-9223372036854775808,\"m\":9223372036854775807}",
        "{\"n\":0,\"m\":-1,\"t\":true,\"f\":false,\"z\":null,\"e\":\"😀©\"}",
    };
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++)
        if (!copy_matches_tree(taken[i]))
            fail_msg("refused: %s", taken[i]);
}

static void refuses_what_the_writer_never_writes(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "",                       /* nothing */
        "\"a\"",                  /* not an object or array */
        "{ \"a\":1}",             /* whitespace */
        "{\"a\":1 }",
        "{\"a\":1.5}",            /* reals: jansson reformats them */
        "{\"a\":1e3}",
        "{\"a\":01}",             /* leading zero */
        "{\"a\":-0}",
        "{\"a\":+1}",
        "{\"a\":9223372036854775808}", /* past int64_t */
        "{\"a\":-9223372036854775809}",
        "{\"a\":12345678901234567890}",
        "{\"a\":\"\\/\"}",        /* escapes the writer does not use */
        "{\"a\":\"\\u00e9\"}",
        "{\"a\":\"\\u000a\"}",    /* lower-case hex, or \n written long */
        "{\"a\":\"\\u000A\"}",
        "{\"a\":\"\\u0000\"}",    /* NUL: jansson refuses it */
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\x01\"}",       /* a raw control character */
        "{\"a\":\"\xff\"}",       /* invalid UTF-8 */
        "{\"a\":1,}",             /* syntax */
        "{\"a\"1}",
        "{\"a\":[1,]}",
        "{\"a\":tru}",
        "{\"a\":1}x",
        "{\"a\":\"open",
        "[1,2",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (copy_matches_tree(refused[i]))
            fail_msg("taken: %s", refused[i]);
}

static void random_trees_match_the_tree_path(void **state)
{
    (void)state;
    /* Without reals and NULs every text the writer makes must be taken... */
    const struct yzt_randjson plain = {.sealed_keys = true};
    for (int i = 0; i < 5000; i++) {
        json_t *v = json_object();
        json_object_set_new(v, "v", yzt_random_json(&plain, 0));
        char *text = yz_json_dumps(v);
        if (!copy_matches_tree(text))
            fail_msg("refused: %s", text);
        free(text);
        json_decref(v);
    }
    /* ...and with them, what is taken still matches. */
    const struct yzt_randjson all = {.reals = true, .nuls = true, .sealed_keys = true};
    for (int i = 0; i < 5000; i++) {
        json_t *v = json_array();
        json_array_append_new(v, yzt_random_json(&all, 0));
        char *text = yz_json_dumps(v);
        copy_matches_tree(text);
        free(text);
        json_decref(v);
    }
}

/* ---- the member hook ------------------------------------------------------------------- */

struct hook_calls {
    int calls;
    bool fail;
};

/* The text path's hook: reads the copied value back, marks it, writes it again. */
static bool put_marked(void *ctx, struct yz_buf *out, size_t at)
{
    struct hook_calls *h = ctx;
    h->calls++;
    if (h->fail)
        return false;
    json_t *v = json_loadb(out->data + at, out->len - at, JSON_DECODE_ANY, NULL);
    assert_non_null(v);
    mark(v);
    yz_buf_truncate(out, at);
    bool ok = yz_json_write(out, v);
    json_decref(v);
    return ok;
}

/* The same with the hook on "fw"; the number of hook calls is handed back. */
static bool hooked_copy_matches_tree(const char *text, int *calls)
{
    struct hook_calls h = {0, false};
    const struct yz_json_hook hook = {"fw", put_marked, &h};
    bool copied = copy_with_hook_matches_tree(text, &hook);
    *calls = h.calls;
    return copied;
}

static void a_hook_puts_its_member_as_the_tree_path_does(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int calls;
    } cases[] = {
        {"{\"fw\":{\"matter_id\":7}}", 1},
        {"{\"a\":1,\"fw\":{\"seen\":false,\"x_enc\":\"s\",\"n\":41,\"z\":[]},\"b\":2}", 1},
        {"{\"fw\":{}}", 1},
        {"{\"fw\":\"text\"}", 1},
        {"{\"fw\":null,\"c_enc\":{\"fw\":1}}", 1},
        {"{\"a_enc\":1,\"fw\":[{\"fw\":{}}]}", 1},
        /* only a member of the outermost object */
        {"{\"a\":{\"fw\":{\"n\":1}}}", 0},
        {"[{\"fw\":{\"n\":1}}]", 0},
        {"{\"fwx\":{},\"f\":{},\"fw_enc\":{}}", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int calls = -1;
        if (!hooked_copy_matches_tree(cases[i].text, &calls))
            fail_msg("refused: %s", cases[i].text);
        if (calls != cases[i].calls)
            fail_msg("%s: %d hook calls, want %d", cases[i].text, calls, cases[i].calls);
    }
    /* Random values beside and as the member. */
    const struct yzt_randjson plain = {.sealed_keys = true};
    for (int i = 0; i < 2000; i++) {
        json_t *v = json_object();
        json_object_set_new(v, "v", yzt_random_json(&plain, 0));
        json_object_set_new(v, "fw", yzt_random_json(&plain, 0));
        json_object_set_new(v, "w", yzt_random_json(&plain, 0));
        char *text = yz_json_dumps(v);
        int calls = -1;
        if (!hooked_copy_matches_tree(text, &calls) || calls != 1)
            fail_msg("refused or not hooked: %s", text);
        free(text);
        json_decref(v);
    }
}

static void a_failing_hook_fails_the_copy(void **state)
{
    (void)state;
    const char *text = "{\"a\":1,\"fw\":{\"n\":1},\"b\":2}";
    struct hook_calls h = {0, true};
    const struct yz_json_hook hook = {"fw", put_marked, &h};
    struct yz_buf out = YZ_BUF_INIT(1024);
    assert_true(yz_buf_adds(&out, "ab"));
    assert_false(yz_json_copy(&out, text, strlen(text), ends_enc, &hook));
    assert_int_equal(h.calls, 1);
    assert_string_equal(out.data, "ab");
    /* Text not in the writer's form after the member fails all the same. */
    h.fail = false;
    const char *bad = "{\"fw\":{\"n\":1},\"b\":1.5}";
    assert_false(yz_json_copy(&out, bad, strlen(bad), ends_enc, &hook));
    assert_string_equal(out.data, "ab");
    yz_buf_release(&out);
}

static void caps_are_kept(void **state)
{
    (void)state;
    /* Depth: the writer's limit passes, one more level is refused. */
    char deep[2 * YZ_JSON_WRITE_MAX_DEPTH + 8];
    size_t n = 0;
    for (int i = 0; i <= YZ_JSON_WRITE_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i <= YZ_JSON_WRITE_MAX_DEPTH; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    assert_true(copy_matches_tree(deep));
    memmove(deep + 1, deep, n + 1);
    deep[0] = '[';
    deep[n + 1] = ']';
    deep[n + 2] = '\0';
    assert_false(copy_matches_tree(deep));
    /* Size: the buffer's cap is never passed, and the buffer is restored. */
    const char *text = "{\"a\":\"一二三四五六七八九十\"}";
    struct yz_buf small = YZ_BUF_INIT(16);
    assert_true(yz_buf_adds(&small, "ab"));
    assert_false(yz_json_copy(&small, text, strlen(text), ends_enc, NULL));
    assert_string_equal(small.data, "ab");
    yz_buf_release(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drops_sealed_members_at_any_depth),
        cmocka_unit_test(refuses_what_the_writer_never_writes),
        cmocka_unit_test(random_trees_match_the_tree_path),
        cmocka_unit_test(caps_are_kept),
        cmocka_unit_test(a_hook_puts_its_member_as_the_tree_path_does),
        cmocka_unit_test(a_failing_hook_fails_the_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
