/*
 * Court documents from templates, end to end: the templates offered for a
 * case follow its class (case type, cause and trial procedure: a small-claims
 * judgment is final, a simplified one appealable); a summons as plain text with
 * the case's data (names in full, ID numbers masked, dates in Chinese); a
 * long judgment as a real PDF (header and trailer, several pages numbered
 * "— N —", the Chinese text extractable with pdftotext); bad input and
 * foreign access answered as the rules say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/cases.h"
#include "lib/demo.h"
#include "lib/pii.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static struct yz_test_server srv;
static struct yzt_client clerk = {.srv = &srv}, judge = {.srv = &srv}, admin_jb = {.srv = &srv},
                         party = {.srv = &srv}, officer = {.srv = &srv};

static const struct yzt_plaintiff bank = {"重庆示例银行股份有限公司", "91500103MA5U0AAA0Q", NULL};
static const struct yzt_plaintiff person = {"张三", NULL, "500103199001011232"};
static int64_t card_case, loan_case, small_case;
static char card_number[96], loan_number[96], small_number[96];

/* The triage officer puts a registered case on a track (with a reason, in
 * case it differs from the proposal). */
static void decide(int64_t id, const char *event)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    struct yzt_response r = {0};
    yzt_post_new(&officer, path,
                 json_pack("{s:s, s:{s:s}}", "event", event, "fields", "reason", "便于测试文书模板"),
                 &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    /* A wage on file, so that small claims is a possible track. */
    const char *set[] = {"fees.average_wage=2025-01-01:10000000", NULL};
    yzt_server_start(&srv, true, set);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&officer, "triage_officer");
    yzt_demo_login(&judge, "judge");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&clerk, "渝0103");
    card_case = yzt_case_register(
        &clerk, court,
        yzt_case_application(&bank, "李四", "115.2", "判令被告偿还信用卡透支本金12345.67元及利息",
                             "被告申领信用卡后透支消费，至今未还。", 1234567),
        card_number, sizeof card_number);
    loan_case = yzt_case_register(
        &clerk, court,
        yzt_case_application(&person, "王五", "108.3", "判令被告偿还借款本金十万元及利息",
                             "被告向原告借款十万元，到期未还。", 10000000),
        loan_number, sizeof loan_number);
    small_case = yzt_case_register(
        &clerk, court,
        yzt_case_application(&bank, "赵六", "115.2", "判令被告偿还信用卡透支本金3000元",
                             "被告申领信用卡后透支消费三千元，至今未还。", 300000),
        small_number, sizeof small_number);
    decide(card_case, "decide_simplified");
    decide(small_case, "decide_small_claims");
    /* loan_case stays 待分流: no trial procedure yet. */
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void render(struct yzt_client *c, int64_t id, const char *tpl, json_t *body,
                   struct yzt_response *r)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/documents/%s/render", (long long)id, tpl);
    yzt_request_json(c, "POST", path, body, NULL, r);
}

/* Whether needle occurs in p[0..n) (binary-safe). */
static bool contains(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0)
            return true;
    return false;
}

/* Runs a tool (argv[0] found on PATH) and captures its stdout into out; returns the exit status. */
static int run_tool(const char *const argv[], char *out, size_t size)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0)
        fail_msg("cannot run %s (install poppler-utils: make test-deps)", argv[0]);
    size_t n = 0;
    ssize_t got;
    while (n + 1 < size && (got = read(fds[0], out + n, size - 1 - n)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The ids of the templates offered for a case, ","-joined, and its procedure. */
static void offered(int64_t id, char *ids, size_t size, char *procedure, size_t psize)
{
    struct yzt_response r = {0};
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/documents", (long long)id);
    yzt_request(&judge, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    ids[0] = '\0';
    size_t i;
    json_t *t;
    json_array_foreach(yzt_json_at(r.json, "templates"), i, t)
    {
        if (i)
            strncat(ids, ",", size - strlen(ids) - 1);
        strncat(ids, json_string_value(json_object_get(t, "id")), size - strlen(ids) - 1);
    }
    const char *p = json_string_value(json_object_get(r.json, "procedure"));
    snprintf(procedure, psize, "%s", p ? p : "(none)");
    yzt_response_free(&r);
}

/* RULE: template-case-class */
static void the_templates_offered_follow_the_case_class(void **state)
{
    struct yzt_response r = {0};
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/documents", (long long)card_case);
    yzt_request(&judge, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "case_number"), card_number);
    assert_string_equal(yzt_json_str(&r, "templates.0.id"), "credit_card_element_judgment");
    assert_string_equal(yzt_json_str(&r, "templates.0.inputs.0.type"), "date");
    assert_string_equal(yzt_json_str(&r, "templates.0.applies_to.procedures.0"), "simplified");
    yzt_response_free(&r);

    char ids[256], procedure[32];
    /* Simplified: both appealable judgments, not the final small-claims one. */
    offered(card_case, ids, sizeof ids, procedure, sizeof procedure);
    assert_string_equal(procedure, "simplified");
    assert_string_equal(ids, "credit_card_element_judgment,fee_withdrawal_ruling,mediation_agreement,"
                             "simple_judgment,summons");
    /* Small claims: only the small-claims judgment among judgments. */
    offered(small_case, ids, sizeof ids, procedure, sizeof procedure);
    assert_string_equal(procedure, "small_claims");
    assert_string_equal(ids, "fee_withdrawal_ruling,mediation_agreement,small_claims_judgment,summons");
    /* Awaiting triage: no judgment at all; and a loan is no credit-card case. */
    offered(loan_case, ids, sizeof ids, procedure, sizeof procedure);
    assert_string_equal(procedure, "(none)");
    assert_string_equal(ids, "fee_withdrawal_ruling,mediation_agreement,summons");
}

/* RULE: template-case-class — a small-claims judgment is final (CPL art. 165). */
static void a_small_claims_judgment_is_final_and_survives_closing(void **state)
{
    json_t *inputs = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "hearing_date", "2026-03-16", "appearance",
        "原告的委托诉讼代理人、被告到庭参加诉讼。", "reasoning", "被告透支未还，应予偿还。", "decision",
        "被告赵六于本判决生效之日起十日内偿还原告透支本金3000元。", "fee", (json_int_t)2500,
        "fee_payer", "被告赵六", "judge", "郑法官", "clerk", "陈书记员");
    struct yzt_response r = {0};
    render(&judge, small_case, "small_claims_judgment", json_pack("{s:O}", "inputs", inputs), &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "依法适用小额诉讼程序"));
    assert_non_null(strstr(r.body, "本判决为终审判决。"));
    assert_null(strstr(r.body, "上诉"));
    yzt_response_free(&r);
    /* The appealable judgment is as unknown for this case as a missing template. */
    render(&judge, small_case, "simple_judgment", json_pack("{s:O}", "inputs", inputs), &r);
    yzt_assert_status(&r, 404);
    yzt_response_free(&r);
    /* Closed, the case keeps the procedure it was tried in. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)small_case);
    yzt_post_new(&judge, path,
                 json_pack("{s:s, s:{s:s}}", "event", "close_case", "fields", "outcome", "judgment"),
                 &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "state"), "closed");
    yzt_response_free(&r);
    char ids[256], procedure[32];
    offered(small_case, ids, sizeof ids, procedure, sizeof procedure);
    assert_string_equal(procedure, "small_claims");
    assert_string_equal(ids, "fee_withdrawal_ruling,mediation_agreement,small_claims_judgment,summons");
    render(&judge, small_case, "small_claims_judgment", json_pack("{s:O}", "inputs", inputs), &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    json_decref(inputs);
}

static void a_summons_as_text_names_the_parties_and_masks_id_numbers(void **state)
{
    struct yzt_response r = {0};
    render(&judge, loan_case, "summons",
           json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s}}", "format", "text", "inputs",
                     "summoned", "张三", "address", "重庆市渝中区解放碑街道1号", "reason", "开庭",
                     "appear_at", "2026-03-20T09:30", "place", "本院第三法庭", "judge", "郑法官",
                     "clerk", "陈书记员"),
           &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.content_type, "text/plain"));
    static const char *const want[] = {"重庆市渝中区人民法院", "传　票", "案由：民间借贷纠纷",
                                       "被传唤人：张三", "应到时间：2026年3月20日上午9时30分",
                                       "审判员　郑法官"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(r.body, want[i]))
            fail_msg("missing \"%s\" in:\n%s", want[i], r.body);
    assert_non_null(strstr(r.body, loan_number));
    yzt_response_free(&r);

    /* The mediation agreement lists the parties: the ID number only masked. */
    render(&clerk, loan_case, "mediation_agreement",
           json_pack("{s:{s:s, s:s}}", "inputs", "mediator", "钱调解员", "terms",
                     "一、被告于2026年4月30日前偿还原告借款本金十万元；\n二、原告放弃利息请求。"),
           &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "原告：张三，男，1990年1月1日出生，汉族，公民身份号码500***********1232"));
    assert_non_null(strstr(r.body, "被告：王五"));
    assert_non_null(strstr(r.body, "　　二、原告放弃利息请求。\n")); /* one paragraph per line */
    assert_null(strstr(r.body, person.citizen_id));
    yzt_response_free(&r);
}

/* RULE: fee-unpaid-withdrawal — the ruling's document (民诉解释 art. 213). */
static void a_ruling_for_an_unpaid_fee_treats_the_plaintiff_as_withdrawn(void **state)
{
    struct yzt_response r = {0};
    render(&judge, loan_case, "fee_withdrawal_ruling",
           json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "format", "text", "inputs", "notice_date",
                     "2026-03-02", "failure", "在指定期限内未预交，也未申请缓交、减交、免交",
                     "judge", "郑法官", "clerk", "陈书记员"),
           &r);
    yzt_assert_status(&r, 200);
    static const char *const want[] = {
        "民事裁定书", "原告张三与被告王五民间借贷纠纷一案",
        "本院于2026年3月2日通知原告张三预交案件受理费，原告张三在指定期限内未预交，"
        "也未申请缓交、减交、免交。",
        "第二百一十三条规定，裁定如下：", "本案按原告张三撤回起诉处理。", "审判员　郑法官"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(r.body, want[i]))
            fail_msg("missing \"%s\" in:\n%s", want[i], r.body);
    assert_non_null(strstr(r.body, loan_number));
    assert_null(strstr(r.body, person.citizen_id));
    yzt_response_free(&r);
    /* Every input is required: the missing ones are named. */
    render(&judge, loan_case, "fee_withdrawal_ruling",
           json_pack("{s:{s:s}}", "inputs", "judge", "郑法官"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "inputs/notice_date");
    yzt_assert_field_error(&r, "inputs/failure");
    yzt_response_free(&r);
}

static void a_long_judgment_is_a_paginated_pdf_with_chinese_text(void **state)
{
    /* About 4,000 characters of findings: several pages. */
    static char findings[4200 * 3 + 1];
    size_t n = 0;
    static const char sentence[] = "经审理查明，被告于二〇二三年五月申领原告发行的信用卡，透支消费后未按约还款。";
    while (n + sizeof sentence < sizeof findings) {
        memcpy(findings + n, sentence, sizeof sentence - 1);
        n += sizeof sentence - 1;
    }
    findings[n] = '\0';
    struct yzt_response r = {0};
    render(&judge, card_case, "simple_judgment",
           json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}}", "format",
                     "pdf", "inputs", "hearing_date", "2026-03-16", "appearance",
                     "原告的委托诉讼代理人、被告到庭参加诉讼。", "defence", "对欠款无异议，请求分期偿还。",
                     "findings", findings, "reasoning", "原告与被告之间的信用卡领用合约合法有效。",
                     "decision", "被告李四于本判决生效之日起十日内偿还原告透支本金12345.67元。", "fee",
                     (json_int_t)5000, "fee_payer", "被告李四", "appeal_court",
                     "重庆市第五中级人民法院", "judge", "郑法官", "clerk", "陈书记员"),
           &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(r.content_type, "application/pdf");
    assert_true(r.len > 1000);
    assert_memory_equal(r.body, "%PDF-1.", 7);
    /* The trailer: startxref, then %%EOF at the very end. */
    const char *tail = r.body + r.len - 32;
    assert_true(contains(tail, 32, "%%EOF"));
    assert_true(contains(r.body + r.len - 256, 256, "startxref"));

    char pdf[400];
    snprintf(pdf, sizeof pdf, "%s/judgment.pdf", srv.dir);
    int fd = open(pdf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r.body, r.len), (ssize_t)r.len);
    close(fd);
    yzt_response_free(&r);

    static char out[256 * 1024];
    const char *const info[] = {"pdfinfo", pdf, NULL};
    assert_int_equal(run_tool(info, out, sizeof out), 0);
    const char *pages_line = strstr(out, "Pages:");
    assert_non_null(pages_line);
    long pages = strtol(pages_line + 6, NULL, 10);
    /* 4,000 characters at 28 a line and 22 lines a page are 6.5 pages of findings alone. */
    assert_true(pages >= 7 && pages <= 10);
    const char *title = strstr(out, "Title:");
    assert_non_null(title);
    assert_int_equal(strncmp(title + strspn(title + 6, " ") + 6, "民事判决书（简易程序）\n", 34), 0);
    assert_non_null(strstr(out, "A4"));

    const char *const text[] = {"pdftotext", pdf, "-", NULL};
    assert_int_equal(run_tool(text, out, sizeof out), 0);
    static const char *const want[] = {"重庆市渝中区人民法院", "民事判决书", "重庆示例银行股份有限公司",
                                       "李四", "信用卡纠纷", "案件受理费50.00元", "二〇二六年"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(out, want[i]))
            fail_msg("pdftotext lacks \"%s\"", want[i]);
    assert_non_null(strstr(out, card_number));
    /* Every page is numbered "— N —" (pdftotext drops the thin spaces); the
     * last one carries the page count, and there is none beyond it. */
    char mark[32];
    for (long p = 1; p <= pages + 1; p++) {
        snprintf(mark, sizeof mark, "—%ld—", p);
        if ((strstr(out, mark) != NULL) != (p <= pages))
            fail_msg("page number %s %s", mark, p <= pages ? "missing" : "past the end");
    }
}

/* SECURITY.md T24 and PIPL art. 51: a court document names the parties in full
 * but carries citizen IDs and phones only masked; the server never opens a seal
 * to print one (README, "Personal data"). Every template offered for the loan
 * case (plaintiff with ID and phone) as text and as PDF, and the CLI fed a case
 * file that holds clear numbers, must print no full ID or mobile number. */
static void documents_carry_no_full_id_or_mobile_number(void **state)
{
    static const char *const formats[] = {"text", "pdf"};
    static char out[256 * 1024];
    char found[32], pdf[400], path[96];
    int rendered = 0;
    /* Every template offered for the case, each input filled by its type. */
    struct yzt_response list = {0};
    snprintf(path, sizeof path, "/api/v1/matters/%lld/documents", (long long)loan_case);
    yzt_request(&judge, "GET", path, NULL, NULL, &list);
    yzt_assert_status(&list, 200);
    size_t i;
    json_t *tpl;
    json_array_foreach(yzt_json_at(list.json, "templates"), i, tpl)
    {
        json_t *inputs = json_object();
        size_t k;
        json_t *in;
        json_array_foreach(json_object_get(tpl, "inputs"), k, in)
        {
            const char *type = json_string_value(json_object_get(in, "type"));
            const char *name = json_string_value(json_object_get(in, "name"));
            json_object_set_new(inputs, name,
                                strcmp(type, "date") == 0       ? json_string("2026-03-16")
                                : strcmp(type, "datetime") == 0 ? json_string("2026-03-20T09:30")
                                : strcmp(type, "money") == 0    ? json_integer(5000)
                                                                : json_string("某某"));
        }
        const char *id = json_string_value(json_object_get(tpl, "id"));
        for (size_t f = 0; f < 2; f++) {
            struct yzt_response r = {0};
            render(&judge, loan_case, id,
                   json_pack("{s:s, s:O}", "format", formats[f], "inputs", inputs), &r);
            yzt_assert_status(&r, 200);
            const char *text = r.body;
            size_t n = r.len;
            if (f == 1) {
                snprintf(pdf, sizeof pdf, "%s/pii.pdf", srv.dir);
                int fd = open(pdf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
                assert_true(fd >= 0);
                assert_int_equal(write(fd, r.body, r.len), (ssize_t)r.len);
                close(fd);
                const char *const argv[] = {"pdftotext", pdf, "-", NULL};
                assert_int_equal(run_tool(argv, out, sizeof out), 0);
                text = out;
                n = strlen(out);
            }
            if (!strstr(text, loan_number))
                fail_msg("%s (%s) lacks the case number:\n%s", id, formats[f], text);
            if (yzt_find_pii(text, n, found, sizeof found))
                fail_msg("%s (%s) prints %s", id, formats[f], found);
            rendered++;
            yzt_response_free(&r);
        }
        json_decref(inputs);
    }
    yzt_response_free(&list);
    assert_true(rendered >= 4);

    /* The CLI renders whatever case file it is given: clear numbers in it stay out. */
    char case_file[400], inputs_file[400];
    snprintf(case_file, sizeof case_file, "%s/clear_case.json", srv.dir);
    snprintf(inputs_file, sizeof inputs_file, "%s/inputs.json", srv.dir);
    FILE *cf = fopen(case_file, "w");
    assert_non_null(cf);
    fputs("{\"court\": \"重庆市渝中区人民法院\", \"case_number\": \"（2026）渝0103民初15号\","
          " \"registered_on\": \"2026-03-02\", \"today\": \"2026-03-09\", \"application\": {"
          "\"cause_code\": \"108.3\", \"cause_name\": \"民间借贷纠纷\", \"cause_revision\": 2025,"
          " \"case_type\": \"民初\", \"parties\": [{\"role\": \"plaintiff\", \"kind\": \"natural\","
          " \"name\": \"张三\", \"sex\": \"male\", \"citizen_id\": \"500103199001011232\","
          " \"phone\": \"13800000001\", \"address\": \"重庆市渝中区解放碑街道1号\"},"
          " {\"role\": \"defendant\", \"kind\": \"natural\", \"name\": \"王五\","
          " \"citizen_id\": \"500103198502022330\", \"phone\": \"13912345678\"}],"
          " \"claims\": \"偿还借款\", \"facts\": \"借款未还。\", \"amount_fen\": 100000}}",
          cf);
    fclose(cf);
    FILE *inf = fopen(inputs_file, "w");
    assert_non_null(inf);
    fputs("{\"mediator\": \"钱调解员\", \"terms\": \"一、被告偿还借款。\"}", inf);
    fclose(inf);
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const args[] = {"template",    "render", "mediation_agreement", "--case-file",
                                case_file,     "--inputs", inputs_file,         "--data",
                                data,          NULL};
    assert_int_equal(yzt_run_cli(args, out, sizeof out), 0);
    assert_non_null(strstr(out, "张三"));
    static const char *const clear[] = {"500103199001011232", "500103198502022330", "13800000001",
                                        "13912345678"};
    for (size_t k = 0; k < sizeof clear / sizeof clear[0]; k++)
        if (strstr(out, clear[k]))
            fail_msg("yizhan template render prints %s:\n%s", clear[k], out);
    if (yzt_find_pii(out, strlen(out), found, sizeof found))
        fail_msg("yizhan template render prints %s:\n%s", found, out);
    print_message("documents: %d rendered through the API and 1 by the CLI, none with a full "
                  "ID or mobile number\n", rendered);
}

static void bad_input_and_foreign_access_are_refused(void **state)
{
    struct yzt_response r = {0};
    /* A party may not produce court documents; another court sees nothing. */
    render(&party, loan_case, "summons", json_object(), &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
    int64_t denials = yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'access_denied'");
    render(&admin_jb, loan_case, "summons", json_object(), &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/documents", (long long)loan_case);
    yzt_request(&admin_jb, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'access_denied'"),
                     denials + 2);
    /* Unknown template, another class's template, a missing case. */
    render(&judge, loan_case, "nope", json_object(), &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    render(&judge, loan_case, "credit_card_element_judgment", json_object(), &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    render(&judge, 999999, "summons", json_object(), &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    render(&judge, loan_case, "Bad-Name", json_object(), &r);
    yzt_assert_status(&r, 400);
    yzt_response_free(&r);
    /* Missing and malformed inputs, each named. */
    render(&judge, loan_case, "summons",
           json_pack("{s:s, s:{s:s, s:s, s:i}}", "format", "text", "inputs", "appear_at",
                     "明天上午", "colour", "红", "place", 5),
           &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "inputs/appear_at", "invalid");
    yzt_assert_field_error_code(&r, "inputs/colour", "unknown_field");
    yzt_assert_field_error_code(&r, "inputs/place", "wrong_type");
    yzt_assert_field_error_code(&r, "inputs/summoned", "required");
    yzt_assert_field_error_code(&r, "inputs/judge", "required");
    yzt_response_free(&r);
    render(&judge, loan_case, "summons", json_pack("{s:s}", "format", "docx"), &r);
    yzt_assert_field_error(&r, "format");
    yzt_response_free(&r);
    render(&judge, loan_case, "summons", json_pack("{s:[]}", "inputs"), &r);
    yzt_assert_field_error(&r, "inputs");
    yzt_response_free(&r);
    /* A filing not yet registered has no case number to put on a document. */
    struct yzt_response c = {0};
    yzt_post_new(&clerk, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)yzt_court_id(&clerk, "渝0103"), "title", "未立案",
                           "fields", "channel", "window", "application",
                           yzt_case_application(&person, "赵六", "108.3", "判令被告还款",
                                                "借款未还。", 100000)),
                 &c);
    yzt_assert_status(&c, 201);
    render(&judge, yzt_json_int(&c, "id"), "summons", json_object(), &r);
    yzt_assert_problem(&r, 409, "invalid_transition");
    yzt_response_free(&r);
    yzt_response_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_templates_offered_follow_the_case_class),
        cmocka_unit_test(a_small_claims_judgment_is_final_and_survives_closing),
        cmocka_unit_test(a_summons_as_text_names_the_parties_and_masks_id_numbers),
        cmocka_unit_test(a_ruling_for_an_unpaid_fee_treats_the_plaintiff_as_withdrawn),
        cmocka_unit_test(documents_carry_no_full_id_or_mobile_number),
        cmocka_unit_test(a_long_judgment_is_a_paginated_pdf_with_chinese_text),
        cmocka_unit_test(bad_input_and_foreign_access_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
