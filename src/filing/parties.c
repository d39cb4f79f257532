/*
 * Linking an application's parties to their accounts, so that "a party sees
 * the matters they take part in" holds for matters others filed: at
 * submission the plaintiffs (a clerk filing at the window for someone who has
 * an account), at registration everyone, defendants included. A party is
 * found by the keyed hash of the phone given in the application; the phone
 * itself is only unsealed in memory for that.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "crypto/pii.h"
#include "store/store.h"

#include <string.h>

static struct yz_sql_def q_user = YZ_SQL(
    "SELECT id FROM users WHERE phone_hash = ? AND role IN ('party', 'lawyer') AND status = 'active'");
static struct yz_sql_def q_link = YZ_SQL(
    "INSERT INTO matter_participants(matter_id, user_id, capacity) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING");

static enum yz_err link(struct yz_effect_ctx *c, bool plaintiffs_only)
{
    json_t *parties = json_object_get(json_object_get(c->data, "application"), "parties");
    json_t *linked = json_array();
    size_t i;
    json_t *p;
    enum yz_err e = YZ_OK;
    json_array_foreach(parties, i, p)
    {
        const char *role = json_string_value(json_object_get(p, "role"));
        const char *enc = json_string_value(json_object_get(p, "phone_enc"));
        if (!role || !enc || (plaintiffs_only && strcmp(role, "plaintiff") != 0))
            continue;
        char *phone = NULL, hash[65];
        e = yz_pii_open(c->app->keys, enc, "filing.phone", &phone);
        if (e == YZ_OK)
            e = yz_pii_lookup(c->app->keys, "phone", phone, hash);
        yz_pii_free(phone);
        if (e != YZ_OK)
            break;
        struct yz_stmt *st = yz_sql(c->tx, &q_user);
        yz_bind_text(st, 1, hash);
        bool row;
        if ((e = yz_step(st, &row)) != YZ_OK)
            break;
        if (!row)
            continue;
        int64_t user = yz_col_i64(st, 0);
        yz_exec(st);
        st = yz_sql(c->tx, &q_link);
        yz_bind_i64(st, 1, c->matter_id);
        yz_bind_i64(st, 2, user);
        yz_bind_text(st, 3, role);
        if ((e = yz_exec(st)) != YZ_OK)
            break;
        if (yz_tx_changes(c->tx))
            json_array_append_new(linked, json_pack("{s:I, s:s, s:I}", "user_id", (json_int_t)user,
                                                    "capacity", role, "party", (json_int_t)i));
    }
    if (e == YZ_OK && json_array_size(linked))
        json_object_set(c->result, "linked", linked);
    json_decref(linked);
    return e;
}

/* RULE: window-filing-links-applicant — the plaintiffs follow what a clerk filed for them. */
enum yz_err yz_filing_link_applicants(struct yz_effect_ctx *c)
{
    return link(c, true);
}

/* RULE: registered-case-parties — after registration every party with an account sees the case. */
enum yz_err yz_filing_link_parties(struct yz_effect_ctx *c)
{
    return link(c, false);
}
