/*
 * End-to-end test of the audit chain: after real activity (logins, a created
 * matter, an answer) `yizhan audit verify` accepts the database; after one
 * event's payload is edited behind the server's back (the append-only
 * trigger dropped first, as an attacker with file access would) it fails
 * with exit status 1 and names that event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int64_t court_0103(struct yzt_client *c)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/courts", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    int64_t id = 0;
    size_t i;
    json_t *it;
    json_array_foreach(yzt_json_at(r.json, "items"), i, it) {
        const char *k = json_string_value(json_object_get(it, "code"));
        if (k && strcmp(k, "渝0103") == 0)
            id = json_integer_value(json_object_get(it, "id"));
    }
    yzt_response_free(&r);
    assert_true(id > 0);
    return id;
}

static int verify(struct yz_test_server *s, char *out, size_t outsize)
{
    const char *const args[] = {"audit", "verify", "--dir", s->dir, NULL};
    return yzt_run_cli(args, out, outsize);
}

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
}

static void tamper_is_detected(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client party = {.srv = s}, clerk = {.srv = s};
    struct yzt_response r = {0};
    char out[8192];

    yzt_login(&party, "13800000001", YZT_DEMO_PASSWORD, NULL);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_post_new(&party, "/api/v1/matters",
                  json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                            (json_int_t)court_0103(&party), "title", "民间借贷纠纷咨询", "fields",
                            "question", "民间借贷纠纷的诉讼时效是多久？", "topic", "procedure",
                            "channel", "web"),
                  &r);
    yzt_assert_status(&r, 201);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)yzt_json_int(&r, "id"));
    yzt_post_new(&clerk, path,
                  json_pack("{ss s{ss ss}}", "event", "answer", "fields", "answer",
                            "一般为三年，自知道或者应当知道权利受到损害之日起计算。", "method",
                            "online"),
                  &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);

    int64_t target = yzt_db_count(
        s, "SELECT min(id) FROM events WHERE instr(payload, '民间') > 0");
    int64_t last = yzt_db_count(s, "SELECT max(id) FROM events");
    int64_t first = yzt_db_count(s, "SELECT min(id) FROM events");
    assert_true(target > first);
    assert_true(target < last); /* a middle event, not the head */

    /* The server is stopped hard so that the directory stays for the CLI. */
    yzt_server_kill(s);
    memset(out, 0, sizeof out);
    int rc = verify(s, out, sizeof out);
    if (rc != 0)
        print_error("audit verify on an untouched database: %s\n", out);
    assert_int_equal(rc, 0);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(s->db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    exec_sql(db, "DROP TRIGGER events_no_update");
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE events SET payload = replace(payload, '民间', '民事') WHERE id = %lld",
             (long long)target);
    exec_sql(db, sql);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);

    memset(out, 0, sizeof out);
    rc = verify(s, out, sizeof out);
    assert_int_equal(rc, 1);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "event %lld:", (long long)target);
    if (!strstr(out, idtext))
        print_error("audit verify output does not name event %s: %s\n", idtext, out);
    assert_non_null(strstr(out, idtext));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tamper_is_detected, yzt_setup_demo_server,
                                        yzt_teardown_server),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
