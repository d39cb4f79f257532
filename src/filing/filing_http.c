/*
 * The filing clerk's queue (oldest first, each with its legal deadline and an
 * overdue flag), overdue counts per court for supervisors (courts that delay
 * or refuse filing), and the public progress lookup by case number + query
 * code: no login, no personal data, and a bounded number of wrong codes per
 * case number, so codes cannot be guessed.
 */
#include "filing/filing_http.h"
#include "caseno/caseno.h"
#include "catalog/catalog_http.h"
#include "matters/matters.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/num.h"
#include "filing/filing.h"
#include "policy/policy.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <pthread.h>
#include <string.h>

const struct yz_field_spec yz_filing_queue_params[] = {
    {"state", YZ_V_NAME, false, 0, 0, NULL, "状态"},
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_filing_progress_params[] = {
    {"case_number", YZ_V_TEXT, true, 8, 40, NULL, "案号"},
    {"query_code", YZ_V_TEXT, true, 8, 8, NULL, "查询码"},
    YZ_FIELDS_END,
};

static struct yz_sql_def q_queue = YZ_SQL(
    "SELECT m.id, m.state, m.title, m.channel, m.created_at, m.version, d.due_date,"
    " d.beyond_calendar, m.cause_name, m.amount_fen"
    " FROM matters m LEFT JOIN deadlines d ON d.matter_id = m.id AND d.stopped_at IS NULL"
    " AND d.name IN ('decision', 'correction')"
    " WHERE m.kind = 'filing' AND m.court_id = ?"
    " AND m.state IN ('submitted', 'correction_requested') AND (? = '' OR m.state = ?)"
    " ORDER BY m.created_at, m.id LIMIT ?");

struct queue_ctx {
    struct yz_req *req;
    struct yz_buf text;
};

/* The clerk's queue is read all day long: written as text (core/jsonwrite.h). */
static enum yz_err queue_tx(struct yz_tx *tx, void *p)
{
    struct queue_ctx *c = p;
    const char *state = yz_req_query(c->req, "state");
    int64_t limit = yz_tx_max_rows(tx);
    const char *l = yz_req_query(c->req, "limit");
    if (l)
        yz_parse_i64(l, 1, yz_tx_max_rows(tx), &limit);
    char today[16];
    yz_today_text(today, sizeof today);
    struct yz_stmt *st = yz_sql(tx, &q_queue);
    yz_bind_i64(st, 1, c->req->who.court_id);
    yz_bind_text(st, 2, state ? state : "");
    yz_bind_text(st, 3, state ? state : "");
    yz_bind_i64(st, 4, limit);
    struct yz_buf *o = &c->text;
    yz_buf_reset(o); /* a retried read starts over */
    bool row, ok = yz_buf_adds(o, "{\"items\":["), first = true;
    enum yz_err e;
    while ((e = yz_step(st, &row)) == YZ_OK && row && ok) {
        const char *due = yz_col_text(st, 6);
        ok = yz_buf_adds(o, first ? "" : ",") &&
             yz_json_put_int(o, "{\"id\":", yz_col_i64(st, 0)) &&
             yz_json_put_str(o, ",\"state\":", yz_col_text(st, 1)) &&
             yz_json_put_str(o, ",\"title\":", yz_col_text(st, 2)) &&
             yz_json_put_str(o, ",\"channel\":", yz_col_text(st, 3)) &&
             yz_json_put_time(o, ",\"submitted_at\":", yz_col_i64(st, 4)) &&
             yz_json_put_int(o, ",\"version\":", yz_col_i64(st, 5)) &&
             /* RULE: filing-7-days — overdue once the last day has passed. */
             (!*due || (yz_json_put_str(o, ",\"due_date\":", due) &&
                        yz_json_put_bool(o, ",\"overdue\":", strcmp(due, today) < 0))) &&
             (yz_col_null(st, 8) || yz_json_put_str(o, ",\"cause_name\":", yz_col_text(st, 8))) &&
             (yz_col_null(st, 9) || yz_json_put_int(o, ",\"amount_fen\":", yz_col_i64(st, 9))) &&
             yz_buf_addc(o, '}');
        first = false;
    }
    if (e == YZ_OK && row)
        e = yz_exec(st); /* stopped early: the output cap */
    if (e != YZ_OK)
        return e;
    return ok && yz_json_put_int(o, "],\"court_id\":", c->req->who.court_id) && yz_buf_addc(o, '}')
               ? YZ_OK
               : YZ_ERR_INTERNAL;
}

enum yz_err yz_filing_http_queue(struct yz_req *req, struct yz_resp *resp)
{
    struct queue_ctx c = {req, YZ_BUF_INIT(YZ_RESP_TEXT_MAX)};
    return yz_resp_json_text(resp, &c.text, yz_store_read(req->app->store, queue_tx, &c));
}

static struct yz_sql_def q_refused =
    YZ_SQL("SELECT court_id, sum(state = 'refused'), sum(state = 'registered'),"
           " avg(json_extract(data, '$.decision.elapsed_s')),"
           " avg(json_extract(data, '$.decision.since_receipt_s')),"
           " count(json_extract(data, '$.decision.since_receipt_s'))"
           " FROM matters WHERE kind = 'filing' GROUP BY court_id");

struct overdue_ctx {
    struct yz_req *req;
    json_t *courts; /* court id (text) -> object */
};

static json_t *court_entry(struct overdue_ctx *c, int64_t court_id)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)court_id);
    json_t *o = json_object_get(c->courts, key);
    if (!o) {
        const struct yz_court *k = yz_courts_find(&c->req->app->courts, court_id);
        o = json_pack("{s:I, s:s, s:i, s:i, s:i, s:i}", "court_id", (json_int_t)court_id, "name",
                      k ? k->name : "", "pending", 0, "overdue", 0, "refused", 0, "registered", 0);
        json_object_set_new(c->courts, key, o);
    }
    return o;
}

static void overdue_each(void *arg, int64_t court, int64_t pending, int64_t overdue)
{
    struct overdue_ctx *c = arg;
    if (!yz_policy_court_visible(c->req->app, &c->req->who, court))
        return;
    json_t *o = court_entry(c, court);
    json_object_set_new(o, "pending", json_integer(pending));
    json_object_set_new(o, "overdue", json_integer(overdue));
}

static enum yz_err overdue_tx(struct yz_tx *tx, void *p)
{
    struct overdue_ctx *c = p;
    enum yz_err e = yz_filing_overdue_counts(tx, overdue_each, c);
    if (e != YZ_OK)
        return e;
    bool row;
    struct yz_stmt *st = yz_sql(tx, &q_refused);
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        int64_t court = yz_col_i64(st, 0);
        if (!yz_policy_court_visible(c->req->app, &c->req->who, court))
            continue;
        json_t *o = court_entry(c, court);
        json_object_set_new(o, "refused", json_integer(yz_col_i64(st, 1)));
        json_object_set_new(o, "registered", json_integer(yz_col_i64(st, 2)));
        /* Averages in whole seconds: time to decision, and for cross-region
         * filings from receipt at the receiving court. */
        if (!yz_col_null(st, 3))
            json_object_set_new(o, "avg_decision_s", json_integer(yz_col_i64(st, 3)));
        if (yz_col_i64(st, 5))
            json_object_set_new(o, "avg_cross_region_s", json_integer(yz_col_i64(st, 4)));
    }
    return e;
}

enum yz_err yz_filing_http_overdue(struct yz_req *req, struct yz_resp *resp)
{
    struct overdue_ctx c = {req, json_object()};
    enum yz_err e = yz_store_read(req->app->store, overdue_tx, &c);
    if (e != YZ_OK) {
        json_decref(c.courts);
        return e;
    }
    json_t *items = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(c.courts, k, v) json_array_append(items, v);
    json_decref(c.courts);
    resp->body = json_pack("{s:o}", "items", items);
    return YZ_OK;
}

/* ---- progress lookup ---- */

#define LOOKUP_SLOTS 1024
#define LOOKUP_MAX_FAILURES 10
#define LOOKUP_WINDOW_MS (3600 * 1000)

/* Wrong codes per case number in the last hour: a small hash table; a
 * collision only makes two case numbers share a budget, never grants more. */
static struct {
    pthread_mutex_t lock;
    uint64_t key[LOOKUP_SLOTS];
    int failures[LOOKUP_SLOTS];
    int64_t window_start[LOOKUP_SLOTS];
} lookups = {.lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool lookup_allowed(const char *number, bool record_failure)
{
    uint64_t h = fnv1a(number);
    size_t slot = h % LOOKUP_SLOTS;
    int64_t now = yz_time_now_ms();
    pthread_mutex_lock(&lookups.lock);
    if (lookups.key[slot] != h || now - lookups.window_start[slot] > LOOKUP_WINDOW_MS) {
        lookups.key[slot] = h;
        lookups.failures[slot] = 0;
        lookups.window_start[slot] = now;
    }
    if (record_failure)
        lookups.failures[slot]++;
    bool ok = lookups.failures[slot] < LOOKUP_MAX_FAILURES;
    pthread_mutex_unlock(&lookups.lock);
    return ok;
}

static struct yz_sql_def q_progress =
    YZ_SQL("SELECT c.case_number, c.registered_at, m.state, m.kind, m.court_id, c.type_code"
           " FROM cases c JOIN matters m ON m.id = c.matter_id WHERE c.query_code_hash = ?");

struct progress_ctx {
    struct yz_req *req;
    char hash[65];
    json_t *out;
};

static enum yz_err progress_tx(struct yz_tx *tx, void *p)
{
    struct progress_ctx *c = p;
    struct yz_stmt *st = yz_sql(tx, &q_progress);
    yz_bind_text(st, 1, c->hash);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    const struct yz_court *court = yz_courts_find(&c->req->app->courts, yz_col_i64(st, 4));
    char at[40];
    yz_time_format_shanghai(yz_col_i64(st, 1), at, sizeof at);
    const struct yz_workflow *wf = yz_workflow_find(c->req->app->workflows, yz_col_text(st, 3));
    const struct yz_wf_state *s = wf ? yz_workflow_state(wf, yz_col_text(st, 2)) : NULL;
    c->out = json_pack("{s:s, s:s, s:s, s:s, s:s}", "case_number", yz_col_text(st, 0), "court",
                       court ? court->name : "", "registered_at", at, "status",
                       s ? s->title : yz_col_text(st, 2), "next_step",
                       "已登记立案，请按受理通知书和缴费通知书缴纳诉讼费用，等待分案与送达");
    return YZ_OK;
}

/* RULE: progress-lookup — case number + query code, no personal data, bounded guessing. */
enum yz_err yz_filing_http_progress(struct yz_req *req, struct yz_resp *resp)
{
    const char *number = yz_req_query(req, "case_number");
    const char *code = yz_req_query(req, "query_code");
    struct yz_caseno parsed;
    char canonical[YZ_CASENO_MAX];
    if (!yz_caseno_parse(number, &parsed) ||
        !yz_caseno_format(&parsed, canonical, sizeof canonical)) {
        yz_field_errors_add(&req->fields, "query/case_number", "invalid",
                            "案号格式不正确，例如：（2026）渝0103民初1234号");
        return YZ_ERR_VALIDATION;
    }
    if (!lookup_allowed(canonical, false))
        return YZ_ERR_RATE_LIMITED;
    struct progress_ctx c = {req, "", NULL};
    enum yz_err e = yz_filing_query_hash(req->app, canonical, code, c.hash);
    if (e == YZ_OK)
        e = yz_store_read(req->app->store, progress_tx, &c);
    if (e == YZ_ERR_NOT_FOUND)
        lookup_allowed(canonical, true);
    if (e != YZ_OK)
        return e;
    resp->body = c.out;
    return YZ_OK;
}

/* ---- materials check of an application ---- */

const struct yz_field_spec yz_filing_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    YZ_FIELDS_END,
};

struct materials_ctx {
    struct yz_req *req;
    json_t *matter;
};

static enum yz_err materials_tx(struct yz_tx *tx, void *p)
{
    struct materials_ctx *c = p;
    return yz_matter_get(tx, c->req->app, &c->req->who, yz_req_param_id(c->req, "id"),
                         c->req->route->name, &c->matter);
}

/* RULE: filing-one-time-notice — what the application's attachments lack, all at once. */
enum yz_err yz_filing_http_materials(struct yz_req *req, struct yz_resp *resp)
{
    struct materials_ctx c = {req, NULL};
    enum yz_err e = yz_store_read(req->app->store, materials_tx, &c);
    if (e != YZ_OK)
        return e;
    json_t *application = json_object_get(json_object_get(c.matter, "data"), "application");
    const char *code = json_string_value(json_object_get(application, "cause_code"));
    json_t *rev = json_object_get(application, "cause_revision");
    const struct yz_cause *cause =
        code && json_is_integer(rev)
            ? yz_catalog_cause(req->app->catalog, code, (enum yz_cause_rev)json_integer_value(rev))
            : NULL;
    if (!cause) {
        json_decref(c.matter);
        yz_buf_adds(&req->detail, "该事项不是立案申请，或没有案由");
        return YZ_ERR_NOT_FOUND;
    }
    const char *codes[YZ_CATALOG_MAX_ATTACHED];
    size_t n = 0, i;
    json_t *a;
    json_array_foreach(json_object_get(application, "attachments"), i, a)
    {
        const char *m = json_string_value(json_object_get(a, "material"));
        if (m && n < YZ_CATALOG_MAX_ATTACHED)
            codes[n++] = m;
    }
    struct yz_materials_check chk;
    e = yz_catalog_materials_check(req->app->catalog, cause, codes, n, &chk);
    if (e == YZ_OK) {
        resp->body = yz_catalog_materials_check_json(&chk);
        json_object_set_new(resp->body, "cause_code", json_string(cause->code));
        json_object_set_new(resp->body, "cause_name", json_string(cause->name));
    }
    json_decref(c.matter);
    return e;
}
