/*
 * Bidirectional controls and other invisible characters (SECURITY.md T10;
 * src/core/utf8.h yz_utf8_has_control) are refused with a Chinese field error
 * on each kind of input path: a route-table field (the registration name), a
 * document schema (a filing party's name), and a workflow event's text field
 * (the clerk's note at registration), and nothing is stored. The same values
 * without the hidden character are accepted, so the refusal is the
 * character's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <string.h>

static struct yz_test_server srv;
static struct yzt_client party, clerk;
static int64_t court;

/* Hidden characters, each put inside "张三" (bidi, zero-width, C1, BOM, LRI, tag). */
static const char *const HIDDEN[] = {
    "\xe2\x80\xae", "\xe2\x80\x8b", "\xc2\x85", "\xef\xbb\xbf", "\xe2\x81\xa6", "\xf3\xa0\x80\x81",
    "\xe2\x80\x8f", "\xd8\x9c", "\xe3\x85\xa4",
};
#define NHIDDEN (sizeof HIDDEN / sizeof HIDDEN[0])

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    party.srv = &srv;
    clerk.srv = &srv;
    yzt_demo_login(&party, "13800000001");
    yzt_demo_login(&clerk, "filing_clerk");
    court = yzt_court_id(&party, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void assert_hidden_refused(struct yzt_response *r, const char *field)
{
    yzt_assert_problem(r, 400, "validation_failed");
    yzt_assert_field_error(r, field);
    if (!strstr(r->body, "不可见字符"))
        fail_msg("the field error does not say why: %s", r->body);
}

static void registration_name(void **state)
{
    int64_t users = yzt_db_count(&srv, "SELECT count(*) FROM users");
    for (size_t i = 0; i <= NHIDDEN; i++) {
        char name[32], phone[16];
        snprintf(name, sizeof name, "张%s三", i < NHIDDEN ? HIDDEN[i] : "");
        snprintf(phone, sizeof phone, "139000077%02zu", i);
        struct yzt_response r = {0};
        yzt_post_new(&(struct yzt_client){.srv = &srv}, "/api/v1/accounts",
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "role", "party", "person_kind",
                               "natural", "name", name, "phone", phone, "password",
                               "Kz7-qhwP-2026-yz", "citizen_id", "11010519491231002X"),
                     &r);
        if (i < NHIDDEN)
            assert_hidden_refused(&r, "name");
        else
            yzt_assert_status(&r, 201); /* the plain name: the refusal was the character's */
        yzt_response_free(&r);
    }
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM users"), users + 1);
}

static json_t *application(const char *defendant)
{
    return json_pack(
        "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "parties", "role",
        "plaintiff", "kind", "natural", "name", "张三", "sex", "male", "citizen_id",
        "500103199001011232", "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001",
        "role", "defendant", "kind", "legal", "name", defendant, "address",
        "重庆市江北区观音桥街道2号", "claims", "偿还货款", "facts", "被告欠款未还。\n有合同为证。",
        "amount_fen", (json_int_t)100000, "service_address", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "e_service_consent", 1);
}

static int64_t file_case(const char *defendant, struct yzt_response *r)
{
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "不可见字符测试", "fields", "channel",
                           "online", "application", application(defendant)),
                 r);
    return r->status == 201 ? yzt_json_int(r, "id") : 0;
}

static void filing_party_name(void **state)
{
    int64_t matters = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    for (size_t i = 0; i < NHIDDEN; i++) {
        char name[64];
        snprintf(name, sizeof name, "重庆%s某某有限公司", HIDDEN[i]);
        struct yzt_response r = {0};
        assert_int_equal(file_case(name, &r), 0);
        assert_hidden_refused(&r, "fields/application/parties/1/name");
        yzt_response_free(&r);
    }
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), matters);
}

static void workflow_text_field(void **state)
{
    struct yzt_response r = {0};
    int64_t id = file_case("重庆某某有限公司", &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
    char path[96], sql[160];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE stream = 'matter/%lld'",
             (long long)id);
    int64_t events = yzt_db_count(&srv, sql);
    for (size_t i = 0; i < NHIDDEN; i++) {
        char note[64];
        snprintf(note, sizeof note, "材料齐全%s，予以登记", HIDDEN[i]);
        yzt_post_new(&clerk, path, json_pack("{s:s, s:{s:s}}", "event", "register", "fields",
                                             "note", note),
                     &r);
        assert_hidden_refused(&r, "fields/note");
        yzt_response_free(&r);
    }
    assert_int_equal(yzt_db_count(&srv, sql), events);
    /* A multi-line note is fine: newlines are what multi-line text is for. */
    yzt_post_new(&clerk, path,
                 json_pack("{s:s, s:{s:s}}", "event", "register", "fields", "note",
                           "材料齐全。\n予以登记。"),
                 &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registration_name),
        cmocka_unit_test(filing_party_name),
        cmocka_unit_test(workflow_text_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
