/*
 * The cross-case access sweep (SECURITY.md T1–T3): every signed-in role ×
 * every route of the table whose path names a record × every record of that
 * kind the role may not see. Records are created by several users at two
 * courts (matters of each kind, attachments with and without a matter,
 * payments, batches, notifications, mediation messages); who may see one is
 * taken from what is stored (participants, court, uploader, recipient), not
 * from the server's answers. For a foreign record the answer must be the
 * answer for a missing id (same status, content type and body but for the
 * request id), must be a refusal, must change nothing stored, and must add
 * an access_denied record to the history. Lists and searches (every GET
 * route without a path id) must not carry a foreign record's marker text.
 * Attachments are refused after logout and after the reader lost access;
 * every non-public route refuses no, forged, tampered and ended credentials.
 *
 * New routes are picked up from the table: a route whose {id} names a kind
 * of record this file does not know fails the test until it is taught.
 *
 * `make test` runs a subset of roles (seconds); tests/proof/proof_access_sweep.c
 * builds this file with YZT_SWEEP_FULL=1 for `make proof`: every demo role,
 * more records. The figures are the last lines printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures/attachments.h"
#include "http/route.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/routes.h"
#include "lib/upload.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MISSING_ID 99999999
#define MAX_SESSIONS 24
#define MAX_RECORDS 256

static struct yz_test_server srv;
#ifndef YZT_SWEEP_FULL
#define YZT_SWEEP_FULL 0
#endif
static const bool full = YZT_SWEEP_FULL;

static const char *const DENIALS_SQL =
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'";
/* Denials, sessions and idempotency records are what a refused request may write. */
static const char *const SKIP[] = {"events", "chain_head", "checkpoints", "sessions",
                                   "login_throttle", NULL};

/* ---- who ------------------------------------------------------------------ */

struct session {
    const char *login;
    bool in_quick; /* part of the `make test` subset */
    struct yzt_client c;
    int64_t user_id, court_id;
    char role[32];
};

static struct session sessions[] = {
    {.login = "13800000001", .in_quick = false}, {.login = "13800000002", .in_quick = true},  {.login = "13800000003", .in_quick = false},
    {.login = "13800000004", .in_quick = true},  {.login = "13800000005", .in_quick = true},  {.login = "13800000006", .in_quick = true},
    {.login = "filing_clerk", .in_quick = false}, {.login = "triage_officer", .in_quick = false}, {.login = "judge", .in_quick = false},
    {.login = "assistant", .in_quick = false},   {.login = "clerk", .in_quick = false},       {.login = "service_officer", .in_quick = false},
    {.login = "petition_officer", .in_quick = false}, {.login = "hotline_agent", .in_quick = true}, {.login = "court_admin", .in_quick = false},
    {.login = "supervisor", .in_quick = true},   {.login = "filing_clerk_jb", .in_quick = true}, {.login = "court_admin_jb", .in_quick = true},
};
#define NSESSIONS (sizeof sessions / sizeof sessions[0])

static struct session *by_login(const char *login)
{
    for (size_t i = 0; i < NSESSIONS; i++)
        if (strcmp(sessions[i].login, login) == 0)
            return &sessions[i];
    fail_msg("no session %s", login);
    return NULL;
}

static void sign_in(struct session *s)
{
    s->c = (struct yzt_client){.srv = &srv};
    yzt_demo_login(&s->c, s->login);
    struct yzt_response r = {0};
    yzt_request(&s->c, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    s->user_id = yzt_json_int(&r, "id");
    snprintf(s->role, sizeof s->role, "%s", yzt_json_str(&r, "role"));
    yzt_response_free(&r);
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT coalesce(court_id, 0) FROM users WHERE id = %lld",
             (long long)s->user_id);
    s->court_id = yzt_db_count(&srv, sql);
}

static bool is_staff(const struct session *s)
{
    return s->court_id != 0;
}

/* ---- the database, read directly -------------------------------------------- */

/* The first column of every row of sql (integers), at most max. */
static size_t db_ids(const char *sql, int64_t *out, size_t max)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(srv.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        print_error("%s: %s\n", sql, sqlite3_errmsg(db));
    assert_int_equal(rc, SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < max)
        out[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static int64_t q1(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t q1(const char *fmt, ...)
{
    char sql[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return yzt_db_count(&srv, sql);
}

/* ---- who may see what, from the stored facts -------------------------------- */

static bool court_within(int64_t court, int64_t top)
{
    return q1("WITH RECURSIVE v(id) AS (SELECT %lld UNION SELECT c.id FROM courts c JOIN v"
              " ON c.parent_id = v.id) SELECT count(*) FROM v WHERE id = %lld",
              (long long)top, (long long)court) > 0;
}

static bool matter_visible(const struct session *s, int64_t matter)
{
    if (q1("SELECT count(*) FROM matter_participants WHERE matter_id = %lld AND user_id = %lld",
           (long long)matter, (long long)s->user_id) > 0)
        return true;
    if (!is_staff(s))
        return false;
    int64_t court = q1("SELECT court_id FROM matters WHERE id = %lld", (long long)matter);
    if (strcmp(s->role, "supervisor") == 0)
        return court_within(court, s->court_id);
    return court == s->court_id;
}

enum kind { K_PUBLIC, K_MATTER, K_UNMASK, K_ATTACHMENT, K_NOTIFICATION, K_PAYMENT, K_BATCH,
            K_ORG, K_MEDIATOR, K_CASE_GROUP, K_TEAM, K_JUDGE, K_STAFF, K__COUNT };
static const char *const KIND_NAME[] = {"public", "matter", "matter's personal data",
                                        "attachment", "notification", "payment", "batch", "org",
                                        "mediator", "case group", "team", "judge", "account"};

/* Which records a path's {id} names, by the path before it. */
static const struct {
    const char *prefix;
    enum kind kind;
} KINDS[] = {
    /* Before the matter itself: full personal data is for fewer than the matter. */
    {"/api/v1/matters/{id}/personal-data", K_UNMASK},
    {"/api/v1/matters/{id}", K_MATTER},
    {"/api/v1/attachments/{id}", K_ATTACHMENT},
    {"/api/v1/notifications/{id}", K_NOTIFICATION},
    {"/api/v1/payments/{id}", K_PAYMENT},
    {"/api/v1/filing/batches/{id}", K_BATCH},
    {"/api/v1/roster/orgs/{id}", K_ORG},
    {"/api/v1/roster/mediators/{id}", K_MEDIATOR},
    {"/api/v1/case-groups/{id}", K_CASE_GROUP},
    {"/api/v1/teams/{id}", K_TEAM},
    {"/api/v1/judges/{id}", K_JUDGE},
    {"/api/v1/staff/{id}", K_STAFF},
    /* Reference data anyone may read. */
    {"/api/v1/courts/{id}", K_PUBLIC},
    {"/api/v1/causes/{id}", K_PUBLIC},
    {"/api/v1/materials/{cause_id}", K_PUBLIC},
    {"/api/v1/complaint-forms/{id}", K_PUBLIC},
    {"/api/v1/kb/{id}", K_PUBLIC},
};

static enum kind route_kind(const struct yz_route *r)
{
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strncmp(r->pattern, KINDS[i].prefix, strlen(KINDS[i].prefix)) == 0)
            return KINDS[i].kind;
    print_error("route %s (%s) names a kind of record the access sweep does not know: add it to "
                "KINDS with the records and the rule of who may see them\n",
                r->name, r->pattern);
    fail();
    return K_PUBLIC;
}

/*
 * May s see (for reads) or change (roster records, which anyone reads) the
 * record? Roster records are foreign to whoever does not administer them.
 */
static bool visible_uncached(const struct session *s, enum kind k, int64_t id)
{
    long long lid = id, uid = s->user_id, cid = s->court_id;
    switch (k) {
    case K_PUBLIC: return true;
    case K_MATTER: return matter_visible(s, id);
    case K_UNMASK: /* SECURITY.md 1.3: the court's handling staff only, never its parties */
        return (strcmp(s->role, "filing_clerk") == 0 || strcmp(s->role, "judge") == 0 ||
                strcmp(s->role, "assistant") == 0 || strcmp(s->role, "clerk") == 0 ||
                strcmp(s->role, "service_officer") == 0) &&
               q1("SELECT count(*) FROM matters WHERE id = %lld AND court_id = %lld", lid, cid) > 0;
    case K_ATTACHMENT: {
        if (q1("SELECT count(*) FROM attachments WHERE id = %lld AND uploader_id = %lld", lid, uid) > 0)
            return true;
        int64_t m = q1("SELECT coalesce(matter_id, 0) FROM attachments WHERE id = %lld", lid);
        return m != 0 && matter_visible(s, m);
    }
    case K_NOTIFICATION:
        if (q1("SELECT count(*) FROM outbox WHERE id = %lld AND channel = 'inbox'"
               " AND recipient_user_id = %lld", lid, uid) > 0)
            return true;
        return is_staff(s) &&
               q1("SELECT count(*) FROM outbox WHERE id = %lld AND channel = 'inbox'"
                  " AND recipient_court_id = %lld", lid, cid) > 0;
    case K_PAYMENT:
        return matter_visible(s, q1("SELECT matter_id FROM payments WHERE id = %lld", lid));
    case K_BATCH:
        return q1("SELECT count(*) FROM filing_batches WHERE id = %lld AND user_id = %lld", lid, uid) > 0;
    case K_ORG:
        if (q1("SELECT count(*) FROM mediation_orgs WHERE id = %lld AND admin_user_id = %lld", lid, uid) > 0)
            return true;
        return strcmp(s->role, "court_admin") == 0 &&
               q1("SELECT count(*) FROM mediation_orgs WHERE id = %lld AND court_id = %lld", lid, cid) > 0;
    case K_MEDIATOR:
        if (q1("SELECT count(*) FROM mediators WHERE id = %lld AND user_id = %lld", lid, uid) > 0)
            return true;
        if (q1("SELECT count(*) FROM mediators m JOIN mediation_orgs o ON o.id = m.org_id"
               " WHERE m.id = %lld AND o.admin_user_id = %lld", lid, uid) > 0)
            return true;
        return strcmp(s->role, "court_admin") == 0 &&
               q1("SELECT count(*) FROM mediators WHERE id = %lld AND court_id = %lld", lid, cid) > 0;
    case K_CASE_GROUP: /* the court's own staff (the route admits class-case roles only) */
        return is_staff(s) && q1("SELECT count(*) FROM case_groups WHERE id = %lld AND court_id"
                                 " = %lld", lid, cid) > 0;
    case K_TEAM: { /* staff who see the court's data, and the team's members */
        if (q1("SELECT count(*) FROM team_members WHERE team_id = %lld AND user_id = %lld", lid,
               uid) > 0)
            return true;
        int64_t court = q1("SELECT court_id FROM teams WHERE id = %lld", lid);
        if (strcmp(s->role, "supervisor") == 0)
            return court_within(court, s->court_id);
        return is_staff(s) && court == s->court_id;
    }
    case K_JUDGE: /* a judge's configured relationships: the judge, the court's admins and triage */
        if (uid == lid)
            return true;
        return (strcmp(s->role, "court_admin") == 0 || strcmp(s->role, "triage_officer") == 0) &&
               q1("SELECT count(*) FROM users WHERE id = %lld AND court_id = %lld", lid, cid) > 0;
    case K_STAFF: /* an account a court admin manages: the court's own staff, no supervisor */
        return strcmp(s->role, "court_admin") == 0 &&
               q1("SELECT count(*) FROM users WHERE id = %lld AND court_id = %lld"
                  " AND person_kind = 'staff' AND role <> 'supervisor'", lid, cid) > 0;
    case K__COUNT: break;
    }
    return false;
}

/*
 * visible(), remembered per session, kind and record: the answer depends only
 * on stored facts, which the refused requests of the sweep do not change, and
 * asking the database for it on every route of every record is most of the
 * sweep's time.
 */
#define VIS_MEMO 4096
static struct {
    const struct session *s;
    enum kind k;
    int64_t id;
    bool visible;
} vis_memo[VIS_MEMO];
static size_t vis_memo_used;

static bool visible(const struct session *s, enum kind k, int64_t id)
{
    size_t h = ((size_t)(s - sessions) * 131u + (size_t)k * 31u + (size_t)id) % VIS_MEMO;
    for (size_t probe = 0; probe < VIS_MEMO; probe++) {
        size_t at = (h + probe) % VIS_MEMO;
        if (!vis_memo[at].s)
            break;
        if (vis_memo[at].s == s && vis_memo[at].k == k && vis_memo[at].id == id)
            return vis_memo[at].visible;
    }
    bool v = visible_uncached(s, k, id);
    if (vis_memo_used < VIS_MEMO * 3 / 4) {
        size_t at = h;
        while (vis_memo[at].s)
            at = (at + 1) % VIS_MEMO;
        vis_memo[at].s = s;
        vis_memo[at].k = k;
        vis_memo[at].id = id;
        vis_memo[at].visible = v;
        vis_memo_used++;
    }
    return v;
}

static const char *const TABLE_SQL[K__COUNT] = {
    [K_MATTER] = "SELECT id FROM matters ORDER BY id",
    [K_UNMASK] = "SELECT id FROM matters ORDER BY id",
    [K_ATTACHMENT] = "SELECT id FROM attachments ORDER BY id",
    [K_NOTIFICATION] = "SELECT id FROM outbox WHERE channel = 'inbox' ORDER BY id",
    [K_PAYMENT] = "SELECT id FROM payments ORDER BY id",
    [K_BATCH] = "SELECT id FROM filing_batches ORDER BY id",
    [K_ORG] = "SELECT id FROM mediation_orgs ORDER BY id",
    [K_MEDIATOR] = "SELECT id FROM mediators ORDER BY id",
    [K_CASE_GROUP] = "SELECT id FROM case_groups ORDER BY id",
    [K_TEAM] = "SELECT id FROM teams ORDER BY id",
    [K_JUDGE] = "SELECT id FROM users WHERE role = 'judge' ORDER BY id",
    [K_STAFF] = "SELECT id FROM users ORDER BY id",
};

/* ---- the world: records of several users at two courts ---------------------- */

/* Marker text carried by the records, by creator: a foreign list must not show it. */
struct marker {
    const char *text;
    enum kind kind;
    int64_t id;
};
static struct marker markers[64];
static size_t nmarkers;

static void add_marker(const char *text, enum kind k, int64_t id)
{
    assert_true(nmarkers < sizeof markers / sizeof markers[0]);
    markers[nmarkers++] = (struct marker){text, k, id};
}

static int64_t court_0103, court_0105;

static int64_t new_inquiry(struct session *s, int64_t court, const char *title)
{
    struct yzt_response r = {0};
    yzt_post_new(&s->c, "/api/v1/matters",
                 json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                           (json_int_t)court, "title", title, "fields", "question",
                           "民间借贷纠纷应向哪个法院起诉？", "topic", "filing", "channel", "web"),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

static void fire(struct session *s, int64_t id, json_t *body, long status)
{
    char path[80];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    struct yzt_response r = {0};
    yzt_post_new(&s->c, path, body, &r);
    if (r.status != status)
        print_error("%s on matter %lld: %s\n", s->login, (long long)id, r.body);
    yzt_assert_status(&r, status);
    yzt_response_free(&r);
}

static json_t *filing_application(const char *phone)
{
    return json_pack(
        "{s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}], s:s, s:s, s:I,"
        " s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "parties", "role",
        "plaintiff", "kind", "natural", "name", "张三", "sex", "male", "citizen_id",
        "500103199001011232", "address", "重庆市渝中区解放碑街道1号", "role", "defendant", "kind",
        "natural", "name", "某甲", "address", "重庆市江北区观音桥街道2号", "claims", "偿还借款十万元",
        "facts", "被告借款十万元未还。", "amount_fen", (json_int_t)10000000, "service_address",
        "address", "重庆市渝中区解放碑街道1号", "phone", phone, "e_service_consent", 1);
}

static int64_t upload(struct session *s, int64_t matter, const char *title)
{
    char mid[32];
    snprintf(mid, sizeof mid, "%lld", (long long)matter);
    struct yzt_part parts[3] = {{"file", "证据.pdf", YZF_PDF, sizeof YZF_PDF},
                                {"title", NULL, title, 0},
                                {"matter_id", NULL, mid, 0}};
    struct yzt_response r = {0};
    yzt_upload_parts(&s->c, parts, matter ? 3 : 2, NULL, &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    add_marker(title, K_ATTACHMENT, id);
    return id;
}

static void build_world(void)
{
    struct session *p1 = by_login("13800000001"), *p3 = by_login("13800000003");
    struct session *clerk = by_login("filing_clerk"), *clerk_jb = by_login("filing_clerk_jb");
    struct session *mediator = by_login("13800000005");
    court_0103 = yzt_court_id(&p1->c, "渝0103");
    court_0105 = yzt_court_id(&p1->c, "渝0105");

    /* 张三 asks 渝0103, which answers; the company asks 渝0105, which answers. */
    int64_t m1 = new_inquiry(p1, court_0103, "探针甲咨询渝中");
    add_marker("探针甲咨询渝中", K_MATTER, m1);
    fire(clerk, m1, json_pack("{ss s{ss ss}}", "event", "answer", "fields", "answer",
                              "请向被告住所地法院起诉。", "method", "online"), 200);
    int64_t m2 = new_inquiry(p3, court_0105, "探针丙咨询江北");
    add_marker("探针丙咨询江北", K_MATTER, m2);
    fire(clerk_jb, m2, json_pack("{ss s{ss ss}}", "event", "answer", "fields", "answer",
                                 "请携带材料到立案窗口。", "method", "online"), 200);

    /* 张三 files a case at 渝0103; it is registered; the cashier opens a window payment. */
    struct yzt_response r = {0};
    yzt_post_new(&p1->c, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court_0103, "title", "探针甲起诉渝中", "fields", "channel",
                           "online", "application", filing_application("13800000001")),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t m3 = yzt_json_int(&r, "id");
    add_marker("探针甲起诉渝中", K_MATTER, m3);
    fire(clerk, m3, json_pack("{s:s}", "event", "register"), 200);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/payments", (long long)m3);
    yzt_post_new(&clerk->c, path, json_pack("{s:s}", "method", "window"), &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);

    /* Files: on matters, and one of the company's on no matter at all. */
    upload(p1, m1, "探针甲附件咨询");
    upload(p1, m3, "探针甲附件起诉");
    upload(p3, m2, "探针丙附件咨询");
    upload(p3, 0, "探针丙附件私有");

    /* The company files a batch of one at 渝0103. */
    static const char CSV[] = "被告姓名/名称,被告类型,被告身份证号,被告统一社会信用代码,被告电话,"
                              "被告住址,标的额（元）,诉讼请求,事实与理由\r\n"
                              "某乙,自然人,,,,重庆市江北区观音桥街道2号,10000,判令被告偿还借款,\r\n";
    json_t *tmpl = json_pack(
        "{s:s, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:[{s:s, s:s}], s:{s:s, s:s, s:b},"
        " s:s}",
        "cause_code", "108.3", "cause_revision", 2025, "case_type", "民初", "fee_kind", "property",
        "plaintiff", "kind", "legal", "name", "重庆示例商贸有限公司", "credit_code",
        "91500103MA5U0AAA0Q", "legal_rep", "王五", "address", "重庆市渝中区解放碑街道8号", "phone",
        "13800000003", "evidence", "name", "借款合同", "source", "原告持有", "service_address",
        "address", "重庆市渝中区解放碑街道8号", "phone", "13800000003", "e_service_consent", 1,
        "facts", "被告向原告借款，约定到期归还，至今未还。");
    yzt_post_new(&p3->c, "/api/v1/filing/batches",
                 json_pack("{s:I, s:s, s:o, s:s}", "court_id", (json_int_t)court_0103, "title",
                           "探针丙批量立案", "template", tmpl, "csv", CSV),
                 &r);
    yzt_assert_status(&r, 201);
    add_marker("探针丙批量立案", K_BATCH, yzt_json_int(&r, "id"));
    yzt_response_free(&r);

    /* 张三 applies for pre-filing mediation at 渝0103; the mediator takes it and writes. */
    yzt_post_new(&p1->c, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:b, s:o}}", "kind", "mediation", "court_id",
                           (json_int_t)court_0103, "title", "探针甲调解渝中", "fields", "channel",
                           "online", "consent", 1, "application",
                           filing_application("13800000001")),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t m4 = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    add_marker("探针甲调解渝中", K_MATTER, m4);
    int64_t mediator_id = yzt_db_count(&srv, "SELECT min(id) FROM mediators");
    fire(clerk, m4, json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                              (json_int_t)mediator_id), 200);
    fire(mediator, m4, json_pack("{s:s}", "event", "accept"), 200);
    snprintf(path, sizeof path, "/api/v1/matters/%lld/messages", (long long)m4);
    yzt_post_new(&mediator->c, path, json_pack("{s:s}", "text", "探针调解室消息"), &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
    add_marker("探针调解室消息", K_MATTER, m4);

    /* A trial team and a class-case group at each court. */
    struct session *admin = by_login("court_admin"), *admin_jb = by_login("court_admin_jb");
    struct session *admins[2] = {admin, admin_jb};
    static const char *const team_names[2] = {"探针渝中快审团队", "探针江北快审团队"};
    static const char *const group_names[2] = {"探针渝中类案", "探针江北类案"};
    for (int c = 0; c < 2; c++) {
        yzt_post_new(&admins[c]->c, "/api/v1/teams",
                     json_pack("{s:s, s:s}", "name", team_names[c], "kind", "fast_track"), &r);
        yzt_assert_status(&r, 201);
        add_marker(team_names[c], K_TEAM, yzt_json_int(&r, "id"));
        yzt_post_new(&admins[c]->c, "/api/v1/case-groups",
                     json_pack("{s:s, s:s, s:s}", "name", group_names[c], "cause_code", "108.3",
                               "criteria", "同一原告的民间借贷纠纷"),
                     &r);
        yzt_assert_status(&r, 201);
        add_marker(group_names[c], K_CASE_GROUP, yzt_json_int(&r, "id"));
    }
    yzt_response_free(&r);

    /* The full run: more owners, each with a matter and a file at both courts. */
    static const char *const owners[] = {"13800000001", "13800000002", "13800000003",
                                         "13800000004"};
    static char titles[8][2][64];
    for (size_t o = 0; full && o < 4; o++) {
        for (int c = 0; c < 2; c++) {
            struct session *s = by_login(owners[o]);
            snprintf(titles[o * 2 + c][0], sizeof titles[0][0], "探针%s咨询%d", owners[o] + 9, c);
            snprintf(titles[o * 2 + c][1], sizeof titles[0][1], "探针%s附件%d", owners[o] + 9, c);
            int64_t m = new_inquiry(s, c ? court_0105 : court_0103, titles[o * 2 + c][0]);
            add_marker(titles[o * 2 + c][0], K_MATTER, m);
            upload(s, m, titles[o * 2 + c][1]);
        }
    }
}

/* ---- requests ------------------------------------------------------------------ */

static void send(struct yzt_client *c, const struct yz_route *r, const char *path,
                 struct yzt_response *resp)
{
    char key[40], hdr[64];
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    if (r->body)
        yzt_request_json(c, yz_method_name(r->method), path, yzt_route_body(r), h, resp);
    else
        yzt_request(c, yz_method_name(r->method), path, NULL, h, resp);
}

/* The body without what differs between any two requests (request id, instance). */
static char *normalised(const struct yzt_response *r)
{
    if (!r->json)
        return strdup(r->body);
    json_t *copy = json_deep_copy(r->json);
    json_object_del(copy, "request_id");
    json_object_del(copy, "instance");
    char *text = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(copy);
    return text;
}

/* ---- figures ------------------------------------------------------------------- */

static struct {
    long attempts;      /* requests for a foreign record */
    long refused;       /* ... answered 403 or 404 */
    long before_access; /* ... refused by validation as the missing id was (both 4xx, same) */
    long leaks;         /* ... answered 2xx, or differently from a missing id */
    long denials_missing;
    long list_calls, list_leaks;
    long visible_checked;
    long anon_attempts, anon_leaks;
    long attachment_after, attachment_after_leaks;
    int id_routes, list_routes, roles;
} fig;

/* Per route: whether some foreign attempt reached the access check. */
static bool exercised[256];

static void sweep_route(size_t ri, const struct yz_route *r, struct session *s, enum kind k,
                        const int64_t *ids, size_t nids)
{
    char path[256];
    struct yzt_response missing = {0}, foreign = {0};
    yzt_route_path(r, "99999999", path, sizeof path);
    send(&s->c, r, path, &missing);
    char *want = normalised(&missing);
    for (size_t i = 0; i < nids; i++) {
        if (visible(s, k, ids[i]))
            continue;
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)ids[i]);
        yzt_route_path(r, id, path, sizeof path);
        int64_t denials = yzt_db_count(&srv, DENIALS_SQL);
        send(&s->c, r, path, &foreign);
        fig.attempts++;
        char *got = normalised(&foreign);
        bool refusal = foreign.status == 403 || foreign.status == 404;
        /* Roster records are public to read: refusing to change one may say so (403). */
        bool same = (k == K_ORG || k == K_MEDIATOR)
                        ? refusal
                        : foreign.status == missing.status && strcmp(got, want) == 0 &&
                              strcmp(foreign.content_type, missing.content_type) == 0;
        if (!same || foreign.status < 400) {
            fig.leaks++;
            print_error("LEAK? %s as %s on foreign %s %lld: %ld %.300s\n  missing id: %ld %.300s\n",
                        r->name, s->login, KIND_NAME[k], (long long)ids[i], foreign.status, got,
                        missing.status, want);
        } else if (refusal) {
            fig.refused++;
            exercised[ri] = true;
            if (yzt_db_count(&srv, DENIALS_SQL) <= denials) {
                fig.denials_missing++;
                print_error("denial not recorded: %s as %s on %s %lld\n", r->name, s->login,
                            KIND_NAME[k], (long long)ids[i]);
            }
        } else {
            fig.before_access++;
        }
        for (size_t m = 0; m < nmarkers; m++)
            if (strstr(foreign.body, markers[m].text)) {
                fig.leaks++;
                print_error("LEAK: %s as %s shows \"%s\"\n", r->name, s->login, markers[m].text);
            }
        free(got);
    }
    free(want);
    yzt_response_free(&missing);
    yzt_response_free(&foreign);
}

/* The markers of records s may not see. */
static void check_list(const struct yz_route *r, struct session *s, const char *path)
{
    struct yzt_response resp = {0};
    yzt_request(&s->c, "GET", path, NULL, NULL, &resp);
    fig.list_calls++;
    for (size_t m = 0; m < nmarkers; m++) {
        if (visible(s, markers[m].kind, markers[m].id))
            continue;
        if (strstr(resp.body, markers[m].text)) {
            fig.list_leaks++;
            print_error("LEAK: %s as %s lists \"%s\"\n", path, s->login, markers[m].text);
        }
    }
    yzt_response_free(&resp);
}

/* Positive control: the rule above is the server's rule, not a stricter one. */
static void check_visible(struct session *s, enum kind k, int64_t id)
{
    static const char *const GET[K__COUNT][2] = {
        [K_MATTER] = {"/api/v1/matters/", ""},
        [K_ATTACHMENT] = {"/api/v1/attachments/", "/meta"},
        [K_BATCH] = {"/api/v1/filing/batches/", ""},
    };
    if (!GET[k][0] || !visible(s, k, id))
        return;
    char path[96];
    snprintf(path, sizeof path, "%s%lld%s", GET[k][0], (long long)id, GET[k][1]);
    struct yzt_response r = {0};
    yzt_request(&s->c, "GET", path, NULL, NULL, &r);
    if (r.status != 200)
        print_error("%s may see %s %lld by the stored facts, but got %ld\n", s->login,
                    KIND_NAME[k], (long long)id, r.status);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    fig.visible_checked++;
}

static bool swept(const struct session *s)
{
    return full || s->in_quick;
}

static void cross_case_sweep(void **state)
{
    size_t nroutes;
    const struct yz_route *routes = yz_routes(&nroutes);
    assert_true(nroutes <= sizeof exercised / sizeof exercised[0]);
    static int64_t ids[K__COUNT][MAX_RECORDS];
    size_t nids[K__COUNT] = {0};
    for (int k = K_MATTER; k < K__COUNT; k++) {
        nids[k] = db_ids(TABLE_SQL[k], ids[k], MAX_RECORDS);
        if (nids[k] == 0)
            fail_msg("the world has no %s", KIND_NAME[k]);
    }
    char before[65], after[65];
    yzt_db_snapshot_hash_except(&srv, SKIP, before);

    for (size_t si = 0; si < NSESSIONS; si++) {
        struct session *s = &sessions[si];
        if (!swept(s))
            continue;
        fig.roles++;
        for (int k = K_MATTER; k < K__COUNT; k++)
            for (size_t i = 0; i < nids[k]; i++)
                check_visible(s, (enum kind)k, ids[k][i]);
        for (size_t ri = 0; ri < nroutes; ri++) {
            const struct yz_route *r = &routes[ri];
            if (strchr(r->pattern, '{')) {
                enum kind k = route_kind(r);
                if (k != K_PUBLIC && (r->method != YZ_GET || (k != K_ORG && k != K_MEDIATOR)))
                    sweep_route(ri, r, s, k, ids[k], nids[k]);
            } else if (r->method == YZ_GET && !(r->flags & YZ_ROUTE_LOOPBACK)) {
                check_list(r, s, r->pattern);
            }
        }
    }
    for (size_t ri = 0; ri < nroutes; ri++) {
        const struct yz_route *r = &routes[ri];
        if (!strchr(r->pattern, '{'))
            fig.list_routes += r->method == YZ_GET;
        else if (route_kind(r) != K_PUBLIC &&
                 (r->method != YZ_GET || (route_kind(r) != K_ORG && route_kind(r) != K_MEDIATOR))) {
            fig.id_routes++;
            if (!exercised[ri])
                print_error("route %s: no foreign attempt reached the access check\n", r->name);
            assert_true(exercised[ri]);
        }
    }
    yzt_db_snapshot_hash_except(&srv, SKIP, after);
    assert_string_equal(before, after);
    assert_int_equal(fig.leaks, 0);
    assert_int_equal(fig.list_leaks, 0);
    assert_int_equal(fig.denials_missing, 0);
    assert_true(fig.attempts >= (full ? 2000 : 200));
}

/* An attachment to a foreign matter is refused, and so are replays after logout or removal. */
static void attachments_after_logout_and_removal(void **state)
{
    struct session *p1 = by_login("13800000001"), *p2 = by_login("13800000002");
    struct session *clerk = by_login("filing_clerk"), *mediator = by_login("13800000005");
    struct yzt_response r = {0};
    char path[96];

    /* Uploading onto a foreign matter. */
    int64_t m = new_inquiry(p1, court_0103, "探针上传目标");
    int64_t rows = yzt_db_count(&srv, "SELECT count(*) FROM attachments");
    char mid[32];
    snprintf(mid, sizeof mid, "%lld", (long long)m);
    struct yzt_part parts[2] = {{"file", "x.pdf", YZF_PDF, sizeof YZF_PDF}, {"matter_id", NULL, mid, 0}};
    yzt_upload_parts(&p2->c, parts, 2, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    fig.attachment_after++;
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM attachments"), rows);

    /* A mediator reads a file of a delegated matter, declines, and can no longer. */
    yzt_post_new(&p1->c, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:b, s:o}}", "kind", "mediation", "court_id",
                           (json_int_t)court_0103, "title", "探针撤回调解", "fields", "channel",
                           "online", "consent", 1, "application",
                           filing_application("13800000001")),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t med = yzt_json_int(&r, "id");
    int64_t att = upload(p1, med, "探针调解附件");
    int64_t mediator_id = yzt_db_count(&srv, "SELECT min(id) FROM mediators");
    fire(clerk, med, json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                               (json_int_t)mediator_id), 200);
    const char *const forms[] = {"", "/meta"};
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "/api/v1/attachments/%lld%s", (long long)att, forms[f]);
        yzt_request(&mediator->c, "GET", path, NULL, NULL, &r);
        yzt_assert_status(&r, 200);
    }
    fire(mediator, med, json_pack("{s:s, s:{s:s}}", "event", "decline", "fields", "reason",
                                  "利益冲突，申请回避。"), 200);
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "/api/v1/attachments/%lld%s", (long long)att, forms[f]);
        yzt_request(&mediator->c, "GET", path, NULL, NULL, &r);
        fig.attachment_after++;
        if (r.status != 404)
            fig.attachment_after_leaks++;
        yzt_assert_problem(&r, 404, "not_found");
    }

    /* After logout the owner's own cookie reads nothing. */
    struct yzt_client gone = {.srv = &srv};
    yzt_login(&gone, "13800000001", YZT_DEMO_PASSWORD, NULL);
    char cookie[512];
    snprintf(cookie, sizeof cookie, "%s", gone.cookie);
    yzt_request(&gone, "DELETE", "/api/v1/session", NULL, NULL, &r);
    yzt_assert_status(&r, 204);
    snprintf(gone.cookie, sizeof gone.cookie, "%s", cookie);
    for (int f = 0; f < 2; f++) {
        snprintf(path, sizeof path, "/api/v1/attachments/%lld%s", (long long)att, forms[f]);
        yzt_request(&gone, "GET", path, NULL, NULL, &r);
        fig.attachment_after++;
        if (r.status != 401)
            fig.attachment_after_leaks++;
        yzt_assert_problem(&r, 401, "unauthenticated");
    }
    yzt_response_free(&r);
    assert_int_equal(fig.attachment_after_leaks, 0);
}

/* Every non-public route × {none, garbage, tampered cookie, tampered bearer, ended, foreign name}. */
static void unauthenticated_and_tampered(void **state)
{
    size_t nroutes;
    const struct yz_route *routes = yz_routes(&nroutes);
    struct yzt_client live = {.srv = &srv}, ended = {.srv = &srv};
    yzt_login(&live, "13800000002", YZT_DEMO_PASSWORD, NULL);
    yzt_login(&ended, "13800000002", YZT_DEMO_PASSWORD, NULL);
    char ended_cookie[512], ended_csrf[128];
    snprintf(ended_cookie, sizeof ended_cookie, "%s", ended.cookie);
    snprintf(ended_csrf, sizeof ended_csrf, "%s", ended.csrf);
    struct yzt_response r = {0};
    yzt_request(&ended, "DELETE", "/api/v1/session", NULL, NULL, &r);
    yzt_assert_status(&r, 204);
    snprintf(ended.cookie, sizeof ended.cookie, "%s", ended_cookie);
    snprintf(ended.csrf, sizeof ended.csrf, "%s", ended_csrf);

    struct yzt_client forms[6];
    char hdr[600];
    for (int i = 0; i < 6; i++)
        forms[i] = (struct yzt_client){.srv = &srv};
    snprintf(forms[1].cookie, sizeof forms[1].cookie, "garbage-not-a-session");
    snprintf(forms[1].csrf, sizeof forms[1].csrf, "x");
    /* A live cookie and bearer-form token with one bit flipped. */
    snprintf(forms[2].cookie, sizeof forms[2].cookie, "%s", live.cookie);
    size_t n = strlen(forms[2].cookie);
    assert_true(n > 8);
    forms[2].cookie[n / 2] ^= 0x01;
    snprintf(forms[2].csrf, sizeof forms[2].csrf, "%s", live.csrf);
    snprintf(forms[3].bearer, sizeof forms[3].bearer, "%.127s", live.cookie);
    forms[3].bearer[strlen(forms[3].bearer) - 1] ^= 0x02;
    forms[4] = ended;
    bool foreign_name = true; /* forms[5]: the live token under another site's cookie name */

    for (size_t ri = 0; ri < nroutes; ri++) {
        const struct yz_route *rt = &routes[ri];
        if (rt->auth == YZ_AUTH_PUBLIC)
            continue;
        char path[256];
        yzt_route_path(rt, "1", path, sizeof path);
        for (int f = 0; f < 6; f++) {
            if (f == 5 && foreign_name) {
                snprintf(hdr, sizeof hdr, "Cookie: other_site_session=%s", live.cookie);
                const char *const h[] = {hdr, "Idempotency-Key: anon-sweep-0001", NULL};
                yzt_request(&forms[5], yz_method_name(rt->method), path, rt->body ? "{}" : NULL,
                            h, &r);
            } else {
                send(&forms[f], rt, path, &r);
            }
            fig.anon_attempts++;
            if (r.status != 401) {
                fig.anon_leaks++;
                print_error("%s %s with credential form %d: %ld %.200s\n",
                            yz_method_name(rt->method), path, f, r.status, r.body);
            }
        }
    }
    yzt_response_free(&r);
    assert_int_equal(fig.anon_leaks, 0);
    assert_true(fig.anon_attempts >= 4 * 20);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    for (size_t i = 0; i < NSESSIONS; i++)
        sign_in(&sessions[i]);
    build_world();
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
        cmocka_unit_test(cross_case_sweep),
        cmocka_unit_test(attachments_after_logout_and_removal),
        cmocka_unit_test(unauthenticated_and_tampered),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    printf("access sweep (%s): %d roles, %d id routes, %d list routes\n", full ? "full" : "quick",
           fig.roles, fig.id_routes, fig.list_routes);
    printf("access sweep: %ld foreign attempts, %ld refused (403/404, each recorded: %ld "
           "unrecorded), %ld refused by validation like a missing id, %ld leaks\n",
           fig.attempts, fig.refused, fig.denials_missing, fig.before_access, fig.leaks);
    printf("access sweep: %ld list/search calls, %ld leaks; %ld visible records confirmed\n",
           fig.list_calls, fig.list_leaks, fig.visible_checked);
    printf("access sweep: attachments after logout/removal/foreign upload: %ld attempts, %ld "
           "successes; unauthenticated/tampered: %ld attempts, %ld not 401\n",
           fig.attachment_after, fig.attachment_after_leaks, fig.anon_attempts, fig.anon_leaks);
    return rc;
}
