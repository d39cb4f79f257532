/*
 * Personal data in responses and logs (SECURITY.md T24): a filed case holds
 * the plaintiff's citizen ID and phone numbers and the defendant's phone.
 * Every GET route of the table (matter routes on that case, lists, queues,
 * exports) is called as each role that may read the case but has no need to
 * see the numbers (the hotline agent and petition officer of the court, the
 * supervising court) and as unrelated accounts; no response may carry a full
 * ID or mobile number, neither the known ones nor anything shaped like one
 * (18 characters with a valid GB 11643 check, or 1[3-9] and nine digits).
 * The same roles are refused the staff unmask route; the filing clerk, who
 * may use it, gets the numbers, and they reach neither the history nor the
 * log. Afterwards the server log must not carry any number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/clock.h"
#include "core/idnum.h"
#include "http/route.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/pii.h"
#include "lib/routes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;

static const char *const KNOWN[] = {
    "500103199001011232", "500103198502022330", "500103198003033334", "500103197004044444",
    "500103197505055555", "13800000001", "13800000002", "13800000003", "13800000004",
    "13800000005", "13800000006", "13912345678",
};

static struct {
    long responses, leaks, log_leaks, exports;
    int roles;
} fig;

/* The first full number in text (n bytes), into out; false when there is none. */
static bool find_number(const char *text, size_t n, char *out, size_t size)
{
    for (size_t k = 0; k < sizeof KNOWN / sizeof KNOWN[0]; k++)
        if (strstr(text, KNOWN[k])) { /* text is NUL-terminated */
            snprintf(out, size, "%s", KNOWN[k]);
            return true;
        }
    return yzt_find_pii(text, n, out, size);
}

static void check(struct yzt_client *c, const char *who, const char *path)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", path, NULL, NULL, &r);
    fig.responses++;
    char found[32];
    if (r.body && find_number(r.body, r.len, found, sizeof found)) {
        fig.leaks++;
        print_error("%s GET %s (%ld) shows %s\n", who, path, r.status, found);
    }
    yzt_response_free(&r);
}

static void no_numbers_without_need(void **state)
{
    struct yzt_client p1 = {.srv = &srv}, clerk = {.srv = &srv};
    yzt_demo_login(&p1, "13800000001");
    yzt_demo_login(&clerk, "filing_clerk");
    int64_t court = yzt_court_id(&p1, "渝0103");
    json_t *app = json_pack(
        "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "parties", "role",
        "plaintiff", "kind", "natural", "name", "张三", "sex", "male", "citizen_id",
        "500103199001011232", "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001",
        "role", "defendant", "kind", "natural", "name", "孙某", "address",
        "重庆市江北区观音桥街道2号", "phone", "13912345678", "claims", "偿还借款十万元", "facts",
        "被告借款十万元未还。", "amount_fen", (json_int_t)10000000, "service_address", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "e_service_consent", 1);
    struct yzt_response r = {0};
    yzt_post_new(&p1, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", "个人信息测试", "fields", "channel",
                           "online", "application", app),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(&clerk, path, json_pack("{s:s}", "event", "register"), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);

    /* Roles that read the case without a need for the numbers, and unrelated accounts. */
    static const char *const roles[] = {"hotline_agent", "petition_officer", "supervisor",
                                        "13800000002", "13800000003", "13800000005",
                                        "filing_clerk_jb", "court_admin_jb"};
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    static struct yzt_client clients[8];
    assert_true(sizeof roles / sizeof roles[0] <= 8);
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++) {
        struct yzt_client c = {.srv = &srv};
        yzt_demo_login(&c, roles[k]);
        clients[k] = c;
        fig.roles++;
        for (size_t i = 0; i < n; i++) {
            const struct yz_route *rt = &routes[i];
            if (rt->method != YZ_GET || (rt->flags & YZ_ROUTE_LOOPBACK))
                continue;
            char p[256];
            yzt_route_path(rt, idtext, p, sizeof p);
            check(&c, roles[k], p);
        }
    }
    /* The check can see numbers: the case is readable there, masked; the filer sees his own. */
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)id);
    yzt_request(&clients[0], "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "****"));
    yzt_request(&p1, "POST", "/api/v1/me/personal-data", "{\"password\":\"" YZT_DEMO_PASSWORD "\"}",
                NULL, &r);
    yzt_assert_status(&r, 200);
    char found[32];
    assert_true(find_number(r.body, r.len, found, sizeof found));
    yzt_response_free(&r);

    /* Staff unmasking (SECURITY.md 1.3): refused to every role above like a
     * missing matter; the filing clerk gets the numbers, which must reach
     * neither the history nor the server log (no_numbers_in_the_log). */
    snprintf(path, sizeof path, "/api/v1/matters/%lld/personal-data", (long long)id);
    static const char *const fields[] = {"citizen_id", "phone"};
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        for (int f = 0; f < 2; f++) {
            yzt_request_json(&clients[k], "POST", path,
                             json_pack("{s:i, s:s, s:s}", "party", 0, "field", fields[f],
                                       "reason", "核对当事人身份"),
                             NULL, &r);
            fig.responses++;
            yzt_assert_status(&r, 404);
            if (find_number(r.body, r.len, found, sizeof found)) {
                fig.leaks++;
                print_error("%s POST %s shows %s\n", roles[k], path, found);
            }
            yzt_response_free(&r);
        }
    for (int party = 0; party < 2; party++)
        for (int f = 0; f < 2; f++) {
            if (party == 1 && f == 0)
                continue; /* the defendant's ID was not given */
            yzt_request_json(&clerk, "POST", path,
                             json_pack("{s:i, s:s, s:s}", "party", party, "field", fields[f],
                                       "reason", "核对当事人身份"),
                             NULL, &r);
            yzt_assert_status(&r, 200);
            assert_true(find_number(r.body, r.len, found, sizeof found));
            yzt_response_free(&r);
        }
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_request(&clerk, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "personal_data.unmasked"));
    check(&clerk, "filing_clerk", path);
    yzt_response_free(&r);
    assert_int_equal(fig.leaks, 0);
}

/* Scans one export; counts it and fails the test on a full or known number. */
static void check_export(const char *what, const char *text, size_t n)
{
    char found[32];
    fig.exports++;
    if (text && find_number(text, n, found, sizeof found)) {
        fig.leaks++;
        print_error("%s shows %s\n", what, found);
    }
}

/* Exports: a bulk filing's report (JSON and report.csv, for the filer, whose
 * rows held the defendants' IDs and phones, a mistyped one too) and the audit
 * export (`yizhan audit export`: the chain's anchors) carry no full number. */
static void no_numbers_in_exports(void **state)
{
    struct yzt_client company = {.srv = &srv};
    yzt_demo_login(&company, "13800000003");
    int64_t court = yzt_court_id(&company, "渝0103");
    json_t *tmpl = json_pack(
        "{s:s, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:b}, s:s}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "fee_kind", "property",
        "plaintiff", "kind", "legal", "name", "重庆示例商贸有限公司", "credit_code",
        "91500103MA5U0AAA0Q", "legal_rep", "王五", "address", "重庆市渝中区解放碑街道8号", "phone",
        "13800000003", "service_address", "address", "重庆市渝中区解放碑街道8号", "phone",
        "13800000003", "e_service_consent", 1, "facts", "被告借款未还。");
    static const char csv[] =
        "被告姓名/名称,被告类型,被告身份证号,被告电话,被告住址,标的额（元）,诉讼请求\r\n"
        "李四,自然人,500103198502022330,13912345678,重庆市江北区观音桥街道2号,100,判令被告还款\r\n"
        "王某,自然人,500103199001011233,13912345678,重庆市江北区观音桥街道3号,100,判令被告还款\r\n"
        "赵某,自然人,500103197004044444,1391234567,重庆市江北区观音桥街道4号,100,判令被告还款\r\n";
    struct yzt_response r = {0};
    yzt_post_new(&company, "/api/v1/filing/batches",
                 json_pack("{s:I, s:s, s:o, s:s}", "court_id", (json_int_t)court, "title",
                           "个人信息批量测试", "template", tmpl, "csv", csv),
                 &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "accepted"), 1);
    check_export("batch answer", r.body, r.len);
    /* The mistyped ID (wrong check character) is someone's number all the same. */
    assert_null(strstr(r.body, "500103199001011233"));
    assert_null(strstr(r.body, "1391234567"));
    int64_t batch = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/filing/batches/%lld", (long long)batch);
    yzt_request(&company, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    check_export("batch report", r.body, r.len);
    assert_null(strstr(r.body, "500103199001011233"));
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/filing/batches/%lld/report.csv", (long long)batch);
    yzt_request(&company, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "有误，未提交"));
    check_export("batch report.csv", r.body, r.len);
    assert_null(strstr(r.body, "500103199001011233"));
    assert_null(strstr(r.body, "1391234567"));
    yzt_response_free(&r);

    char out[400], cli[512];
    snprintf(out, sizeof out, "%s/audit-export.jsonl", srv.dir);
    const char *const args[] = {"audit", "export", "--out", out, "--dir", srv.dir, NULL};
    assert_int_equal(yzt_run_cli(args, cli, sizeof cli), 0);
    FILE *f = fopen(out, "rb");
    assert_non_null(f);
    static char text[16 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    /* The export is the chain's anchors (checkpoints and the signed head), no content. */
    if (!(n > 0 && n < sizeof text - 1))
        fail_msg("audit export: %zu bytes; yizhan said: %s", n, cli);
    check_export("audit export", text, n);
    assert_int_equal(fig.leaks, 0);
}

static void no_numbers_in_the_log(void **state)
{
    FILE *f = fopen(srv.log_path, "rb");
    assert_non_null(f);
    char line[8192];
    char found[32];
    while (fgets(line, sizeof line, f))
        if (find_number(line, strlen(line), found, sizeof found)) {
            fig.log_leaks++;
            print_error("server log: %s in %s", found, line);
        }
    fclose(f);
    assert_int_equal(fig.log_leaks, 0);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_numbers_without_need),
        cmocka_unit_test(no_numbers_in_exports),
        cmocka_unit_test(no_numbers_in_the_log),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    printf("personal data: %ld responses to %d roles without need and %ld exports, %ld with a "
           "full ID or mobile number; server log: %ld lines with one\n",
           fig.responses, fig.roles, fig.exports, fig.leaks, fig.log_leaks);
    return rc;
}
