#include "mediation/room.h"
#include "app/app.h"
#include "matters/matters.h"
#include "core/clock.h"
#include "core/num.h"
#include "crypto/pii.h"
#include "matters/effects.h"
#include "notify/notify.h"
#include "policy/policy.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct yz_field_spec yz_room_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_room_list_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    {"after", YZ_V_INT, false, 0, INT64_MAX, NULL, "起始编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_room_message_body[] = {
    {"text", YZ_V_LONGTEXT, true, 1, YZ_ROOM_MESSAGE_MAX, NULL, "消息内容"},
    {"to_user_id", YZ_V_ID, false, 0, 0, NULL, "私信对象"},
    YZ_FIELDS_END,
};
static const char *const modes[] = {"online", "onsite", NULL};
const struct yz_field_spec yz_room_session_body[] = {
    {"starts_at", YZ_V_TEXT, true, 20, 25, NULL, "开始时间"},
    {"mode", YZ_V_ENUM, true, 0, 0, modes, "调解方式"},
    {"place", YZ_V_TEXT, true, 1, 200, NULL, "地点或线上调解室"},
    YZ_FIELDS_END,
};

static struct yz_sql_def q_room = YZ_SQL(
    "SELECT m.kind, m.state, m.court_id,"
    " (SELECT capacity FROM matter_participants p WHERE p.matter_id = m.id AND p.user_id = ?)"
    " FROM matters m WHERE m.id = ?");
static struct yz_sql_def q_is_participant = YZ_SQL(
    "SELECT capacity FROM matter_participants WHERE matter_id = ? AND user_id = ?");
static struct yz_sql_def q_insert_message = YZ_SQL(
    "INSERT INTO mediation_messages(matter_id, sender_id, recipient_id, text, sha256, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_messages = YZ_SQL(
    "SELECT id, sender_id, recipient_id, text, sha256, created_at FROM mediation_messages"
    " WHERE matter_id = ? AND id > ? AND (? OR recipient_id IS NULL OR sender_id = ?"
    " OR recipient_id = ?) ORDER BY id LIMIT ?");
static struct yz_sql_def q_insert_session = YZ_SQL(
    "INSERT INTO mediation_sessions(matter_id, starts_at, mode, place, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
static struct yz_sql_def q_sessions = YZ_SQL(
    "SELECT id, starts_at, mode, place, created_at FROM mediation_sessions WHERE matter_id = ?"
    " ORDER BY starts_at, id LIMIT 200");
static struct yz_sql_def q_members = YZ_SQL(
    "SELECT p.user_id, u.name, p.capacity FROM matter_participants p JOIN users u"
    " ON u.id = p.user_id WHERE p.matter_id = ? ORDER BY p.user_id LIMIT 200");
static struct yz_sql_def q_people = YZ_SQL(
    "SELECT p.user_id, u.email_enc FROM matter_participants p JOIN users u ON u.id = p.user_id"
    " WHERE p.matter_id = ? ORDER BY p.user_id LIMIT 200");

struct room {
    bool found, open;
    char capacity[32];
    int64_t court_id;
};

/* The room is the mediation's (pre-filing, or entrusted after filing):
 * participants, and court staff of its court (read). */
static enum yz_err load_room(struct yz_tx *tx, struct yz_req *req, int64_t id, enum yz_action act,
                             struct room *r)
{
    memset(r, 0, sizeof *r);
    struct yz_stmt *st = yz_sql(tx, &q_room);
    yz_bind_i64(st, 1, req->who.user_id);
    yz_bind_i64(st, 2, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    /* The policy decides before the kind is looked at, so that probing another
     * user's matter of any kind through a room route is refused and recorded. */
    bool mediation = strcmp(yz_col_text(st, 0), "mediation") == 0 ||
                     strcmp(yz_col_text(st, 0), "entrusted_mediation") == 0;
    const char *state = yz_col_text(st, 1);
    r->open = strcmp(state, "mediating") == 0 || strcmp(state, "agreement_pending") == 0;
    r->court_id = yz_col_i64(st, 2);
    bool participant = !yz_col_null(st, 3);
    if (participant)
        yz_strlcpy(r->capacity, yz_col_text(st, 3), sizeof r->capacity);
    yz_exec(st);
    struct yz_matter_ref ref = {id, r->court_id, participant};
    e = yz_policy_matter(req->app, &req->who, act, &ref, req->route->name);
    if (e != YZ_OK)
        return e;
    return mediation ? YZ_OK : YZ_ERR_NOT_FOUND;
}

static bool is_mediator(const struct room *r)
{
    return strcmp(r->capacity, "mediator") == 0;
}

struct post_ctx {
    int64_t id;
};

/* RULE: mediation-messages — private between a party and the mediator, or joint. */
static enum yz_err post_message_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                   void *p)
{
    struct post_ctx *c = p;
    struct room r;
    enum yz_err e = load_room(tx, req, c->id, YZ_ACT_ACT, &r);
    if (e != YZ_OK)
        return e;
    if (!r.capacity[0]) /* court staff read the room; only its members speak in it */
        return YZ_ERR_FORBIDDEN;
    if (!r.open)
        return YZ_ERR_INVALID_TRANSITION;
    const char *text = json_string_value(json_object_get(req->body, "text"));
    json_t *to = json_object_get(req->body, "to_user_id");
    int64_t recipient = json_is_integer(to) ? json_integer_value(to) : 0;
    if (recipient) {
        /* A party writes privately only to the mediator; the mediator to any party. */
        struct yz_stmt *st = yz_sql(tx, &q_is_participant);
        yz_bind_i64(st, 1, c->id);
        yz_bind_i64(st, 2, recipient);
        bool row;
        if ((e = yz_step(st, &row)) != YZ_OK)
            return e;
        bool ok = row && recipient != req->who.user_id &&
                  (is_mediator(&r) || strcmp(yz_col_text(st, 0), "mediator") == 0);
        yz_exec(st);
        if (!ok) {
            yz_field_errors_add(&req->fields, "to_user_id", "not_allowed",
                                "私信只能在调解员与一方当事人之间进行");
            return YZ_ERR_VALIDATION;
        }
    }
    unsigned char h[32];
    char hex[65];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(tx, &q_insert_message);
    yz_bind_i64(st, 1, c->id);
    yz_bind_i64(st, 2, req->who.user_id);
    if (recipient)
        yz_bind_i64(st, 3, recipient);
    else
        yz_bind_null(st, 3);
    yz_bind_text(st, 4, text);
    yz_bind_text(st, 5, hex);
    yz_bind_i64(st, 6, now);
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t mid = yz_col_i64(st, 0);
    yz_exec(st);
    char stream[32];
    yz_matter_stream(c->id, stream, sizeof stream);
    json_t *payload = json_pack("{s:I, s:s, s:I}", "message_id", (json_int_t)mid, "sha256", hex,
                                "chars", (json_int_t)strlen(text));
    json_object_set_new(payload, "to", recipient ? json_integer(recipient) : json_null());
    e = yz_app_record(tx, req->app, stream, "mediation.message", req->who.user_id, 0,
                      req->channel, payload, NULL);
    json_decref(payload);
    if (e == YZ_OK && recipient) {
        json_t *n = json_pack("{s:I, s:s}", "matter_id", (json_int_t)c->id, "kind", "private_message");
        e = yz_notify(tx, c->id, recipient, 0, "mediation_message", n);
        json_decref(n);
    }
    if (e == YZ_OK)
        resp->body = json_pack("{s:I, s:s}", "id", (json_int_t)mid, "sha256", hex);
    return e;
}

enum yz_err yz_room_http_post_message(struct yz_req *req, struct yz_resp *resp)
{
    struct post_ctx c = {yz_req_param_id(req, "id")};
    return yz_req_write(req, resp, post_message_tx, &c);
}

struct list_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
};

static enum yz_err messages_tx(struct yz_tx *tx, void *p)
{
    struct list_ctx *c = p;
    struct yz_req *req = c->req;
    int64_t id = yz_req_param_id(req, "id");
    struct room r;
    enum yz_err e = load_room(tx, req, id, YZ_ACT_READ, &r);
    if (e != YZ_OK)
        return e;
    int64_t after = 0;
    const char *a = yz_req_query(req, "after");
    if (a)
        yz_parse_i64(a, 0, INT64_MAX, &after);
    /* The mediator and the court's staff see every message; a party its own and joint ones. */
    bool all = is_mediator(&r) || !r.capacity[0];
    struct yz_stmt *st = yz_sql(tx, &q_messages);
    yz_bind_i64(st, 1, id);
    yz_bind_i64(st, 2, after);
    yz_bind_i64(st, 3, all);
    yz_bind_i64(st, 4, req->who.user_id);
    yz_bind_i64(st, 5, req->who.user_id);
    yz_bind_i64(st, 6, yz_tx_max_rows(tx));
    json_t *items = json_array();
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char at[40];
        yz_time_format_utc(yz_col_i64(st, 5), at, sizeof at);
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)yz_col_i64(st, 0),
                              "sender_id", (json_int_t)yz_col_i64(st, 1), "text",
                              yz_col_text(st, 3), "sha256", yz_col_text(st, 4), "created_at", at);
        json_object_set_new(o, "to", yz_col_null(st, 2) ? json_null()
                                                        : json_integer(yz_col_i64(st, 2)));
        json_array_append_new(items, o);
    }
    /* Who is in the room, so a reader can tell the senders apart and write
     * privately to the mediator (or, as the mediator, to one party). */
    json_t *members = json_array();
    if (e == YZ_OK) {
        st = yz_sql(tx, &q_members);
        yz_bind_i64(st, 1, id);
        while ((e = yz_step(st, &row)) == YZ_OK && row)
            json_array_append_new(members, json_pack("{s:I, s:s, s:s}", "user_id",
                                                     (json_int_t)yz_col_i64(st, 0), "name",
                                                     yz_col_text(st, 1), "capacity",
                                                     yz_col_text(st, 2)));
    }
    if (e != YZ_OK) {
        json_decref(items);
        json_decref(members);
        return e;
    }
    c->resp->body = json_pack("{s:o, s:o}", "items", items, "members", members);
    return YZ_OK;
}

enum yz_err yz_room_http_messages(struct yz_req *req, struct yz_resp *resp)
{
    struct list_ctx c = {req, resp};
    return yz_store_read(req->app->store, messages_tx, &c);
}

/* "2026-12-01T09:30:00+08:00" or "...Z" → UTC ms. */
static bool parse_instant(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    struct yz_date d;
    if (!yz_date_parse(date, &d))
        return false;
    int h = (s[11] - '0') * 10 + (s[12] - '0'), m = (s[14] - '0') * 10 + (s[15] - '0'),
        sec = (s[17] - '0') * 10 + (s[18] - '0');
    if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
        return false;
    int64_t offset;
    if (strcmp(s + 19, "Z") == 0)
        offset = 0;
    else if (strcmp(s + 19, "+08:00") == 0)
        offset = YZ_SHANGHAI_OFFSET_MS;
    else
        return false;
    *out = ((yz_date_to_days(d) * 86400 + h * 3600 + m * 60 + sec) * 1000) - offset;
    return true;
}

static enum yz_err post_session_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp,
                                   void *p)
{
    struct post_ctx *c = p;
    struct room r;
    enum yz_err e = load_room(tx, req, c->id, YZ_ACT_ACT, &r);
    if (e != YZ_OK)
        return e;
    if (!is_mediator(&r))
        return YZ_ERR_FORBIDDEN;
    if (!r.open)
        return YZ_ERR_INVALID_TRANSITION;
    int64_t starts;
    if (!parse_instant(json_string_value(json_object_get(req->body, "starts_at")), &starts) ||
        starts < yz_time_now_ms()) {
        yz_field_errors_add(&req->fields, "starts_at", "invalid",
                            "开始时间应为将来的时间，格式如 2026-12-01T09:30:00+08:00");
        return YZ_ERR_VALIDATION;
    }
    const char *mode = json_string_value(json_object_get(req->body, "mode"));
    const char *place = json_string_value(json_object_get(req->body, "place"));
    struct yz_stmt *st = yz_sql(tx, &q_insert_session);
    yz_bind_i64(st, 1, c->id);
    yz_bind_i64(st, 2, starts);
    yz_bind_text(st, 3, mode);
    yz_bind_text(st, 4, place);
    yz_bind_i64(st, 5, req->who.user_id);
    yz_bind_i64(st, 6, yz_time_now_ms());
    bool row;
    if ((e = yz_step(st, &row)) != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t sid = yz_col_i64(st, 0);
    yz_exec(st);
    char at[40], stream[32];
    yz_time_format_shanghai(starts, at, sizeof at);
    yz_matter_stream(c->id, stream, sizeof stream);
    json_t *payload = json_pack("{s:I, s:s, s:s, s:s}", "session_id", (json_int_t)sid,
                                "starts_at", at, "mode", mode, "place", place);
    e = yz_app_record(tx, req->app, stream, "mediation.session_scheduled", req->who.user_id, 0,
                      req->channel, payload, NULL);
    /* RULE: session-invitation — every participant is told when and where: in
     * the platform, and by e-mail where they have set an address. */
    static _Thread_local int64_t people[200];
    static _Thread_local char *emails[200];
    size_t n = 0;
    st = yz_sql(tx, &q_people);
    yz_bind_i64(st, 1, c->id);
    while (e == YZ_OK && (e = yz_step(st, &row)) == YZ_OK && row && n < 200) {
        people[n] = yz_col_i64(st, 0);
        emails[n] = yz_col_null(st, 1) ? NULL : yz_strdup(yz_col_text(st, 1));
        n++;
    }
    char body[1024];
    snprintf(body, sizeof body,
             "您参与的调解（事项编号 %lld）已安排调解：\n时间：%s\n方式：%s\n地点：%s\n"
             "请登录一站式诉讼服务平台查看详情。",
             (long long)c->id, at, strcmp(mode, "online") == 0 ? "线上调解" : "现场调解", place);
    for (size_t i = 0; i < n; i++) {
        if (e == YZ_OK && people[i] != req->who.user_id) {
            e = yz_notify(tx, c->id, people[i], 0, "mediation_session", payload);
            char *address = NULL;
            if (e == YZ_OK && emails[i] &&
                yz_pii_open(req->app->keys, emails[i], "users.email", &address) == YZ_OK)
                e = yz_notify_email(tx, req->app, c->id, people[i], address, "调解安排通知", body);
            yz_pii_free(address);
        }
        free(emails[i]);
    }
    json_decref(payload);
    if (e == YZ_OK)
        resp->body = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)sid, "starts_at", at,
                               "mode", mode, "place", place);
    return e;
}

enum yz_err yz_room_http_post_session(struct yz_req *req, struct yz_resp *resp)
{
    struct post_ctx c = {yz_req_param_id(req, "id")};
    return yz_req_write(req, resp, post_session_tx, &c);
}

static enum yz_err sessions_tx(struct yz_tx *tx, void *p)
{
    struct list_ctx *c = p;
    int64_t id = yz_req_param_id(c->req, "id");
    struct room r;
    enum yz_err e = load_room(tx, c->req, id, YZ_ACT_READ, &r);
    if (e != YZ_OK)
        return e;
    struct yz_stmt *st = yz_sql(tx, &q_sessions);
    yz_bind_i64(st, 1, id);
    json_t *items = json_array();
    bool row;
    while ((e = yz_step(st, &row)) == YZ_OK && row) {
        char at[40];
        yz_time_format_shanghai(yz_col_i64(st, 1), at, sizeof at);
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s}", "id",
                                               (json_int_t)yz_col_i64(st, 0), "starts_at", at,
                                               "mode", yz_col_text(st, 2), "place",
                                               yz_col_text(st, 3)));
    }
    if (e != YZ_OK) {
        json_decref(items);
        return e;
    }
    c->resp->body = json_pack("{s:o}", "items", items);
    return YZ_OK;
}

enum yz_err yz_room_http_sessions(struct yz_req *req, struct yz_resp *resp)
{
    struct list_ctx c = {req, resp};
    return yz_store_read(req->app->store, sessions_tx, &c);
}
