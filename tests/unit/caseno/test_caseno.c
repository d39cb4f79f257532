/* RULE: case-number-format — 最高人民法院《关于人民法院案件案号的若干规定》. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caseno/caseno.h"
#include "store/store.h"

static void formats_the_standard_shape(void **state)
{
    struct yz_caseno c = {2026, "渝0103", "民初", 1234};
    char out[YZ_CASENO_MAX];
    assert_true(yz_caseno_format(&c, out, sizeof out));
    assert_string_equal(out, "（2026）渝0103民初1234号");
    struct yz_caseno pre = {2026, "渝0103", "民诉前调", 123};
    assert_true(yz_caseno_format(&pre, out, sizeof out));
    assert_string_equal(out, "（2026）渝0103民诉前调123号");
    struct yz_caseno bad = {2026, "", "民初", 1};
    assert_false(yz_caseno_format(&bad, out, sizeof out));
    bad = (struct yz_caseno){2026, "渝0103", "民初", 0};
    assert_false(yz_caseno_format(&bad, out, sizeof out));
    assert_false(yz_caseno_format(&c, out, 10)); /* too small: refused, never cut */
}

static void parses_what_it_formats_and_what_people_type(void **state)
{
    struct yz_caseno c;
    assert_true(yz_caseno_parse("（2026）渝0103民初1234号", &c));
    assert_int_equal(c.year, 2026);
    assert_string_equal(c.court_code, "渝0103");
    assert_string_equal(c.type_code, "民初");
    assert_int_equal(c.seq, 1234);
    assert_true(yz_caseno_parse("(2025)渝01民终7号", &c));
    assert_string_equal(c.court_code, "渝01");
    assert_string_equal(c.type_code, "民终");
    assert_true(yz_caseno_parse("（2026）渝民特3号", &c));
    assert_string_equal(c.court_code, "渝");
    assert_string_equal(c.type_code, "民特");
    const char *bad[] = {"", "2026渝0103民初1号", "（26）渝0103民初1号", "（2026）渝0103民初号",
                         "（2026）渝0103民初1", "（2026）渝0103民初0号", "（2026）0103民初1号",
                         "（2026）渝0103民初123456789号", "（2026）渝0103民初1号x", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(yz_caseno_parse(bad[i], &c));
}

static enum yz_err seed(struct yz_tx *tx, void *ctx)
{
    static struct yz_sql_def q = YZ_SQL(
        "INSERT INTO courts(local_id, code, name, level) VALUES ('T1', '渝0103', 'T', 'basic')");
    return yz_exec(yz_sql(tx, &q));
}

struct take {
    const char *type;
    int year;
    int64_t seq;
    bool fail;
};

static enum yz_err take_tx(struct yz_tx *tx, void *ctx)
{
    struct take *t = ctx;
    enum yz_err e = yz_caseno_next(tx, 1, t->year, t->type, &t->seq);
    return e == YZ_OK && t->fail ? YZ_ERR_VALIDATION : e;
}

static void sequences_are_per_court_year_type_and_gap_free(void **state)
{
    char dir[] = "/tmp/yz-caseno-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/t.db", dir);
    struct yz_store_options o = {.path = path, .connections = 2};
    struct yz_buf err = YZ_BUF_INIT(512);
    struct yz_store *s = NULL;
    assert_int_equal(yz_store_open(&o, &s, &err), YZ_OK);
    assert_int_equal(yz_store_write(s, seed, NULL), YZ_OK);
    struct take t = {"民初", 2026, 0, false};
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(yz_store_write(s, take_tx, &t), YZ_OK);
        assert_int_equal(t.seq, i);
    }
    /* A registration that rolls back gives its number back: no gap. */
    t.fail = true;
    assert_int_equal(yz_store_write(s, take_tx, &t), YZ_ERR_VALIDATION);
    t.fail = false;
    assert_int_equal(yz_store_write(s, take_tx, &t), YZ_OK);
    assert_int_equal(t.seq, 6);
    struct take other = {"民特", 2026, 0, false};
    assert_int_equal(yz_store_write(s, take_tx, &other), YZ_OK);
    assert_int_equal(other.seq, 1);
    struct take next_year = {"民初", 2027, 0, false};
    assert_int_equal(yz_store_write(s, take_tx, &next_year), YZ_OK);
    assert_int_equal(next_year.seq, 1);
    yz_store_close(s);
    yz_buf_release(&err);
    char p[96];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_the_standard_shape),
        cmocka_unit_test(parses_what_it_formats_and_what_people_type),
        cmocka_unit_test(sequences_are_per_court_year_type_and_gap_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
