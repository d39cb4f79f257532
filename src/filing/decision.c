/*
 * Effect "record_decision": when a filing is registered or refused, the
 * projection keeps when and how long it took (from submission, and for a
 * cross-region filing from receipt at the receiving court), so the courts'
 * time to decision can be reported without replaying histories.
 */
#include "filing/filing.h"
#include "core/clock.h"
#include "store/store.h"

static struct yz_sql_def q_created = YZ_SQL("SELECT created_at FROM matters WHERE id = ?");

/* RULE: time-to-decision — 登记立案规定 art. 8; cross-region: from receipt at the receiving court. */
enum yz_err yz_filing_record_decision(struct yz_effect_ctx *c)
{
    struct yz_stmt *st = yz_sql(c->tx, &q_created);
    yz_bind_i64(st, 1, c->matter_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK || !row)
        return e ? e : YZ_ERR_INTERNAL;
    int64_t created = yz_col_i64(st, 0);
    yz_exec(st);
    int64_t now = yz_time_now_ms();
    char at[40];
    yz_time_format_utc(now, at, sizeof at);
    json_t *d = json_pack("{s:s, s:s, s:I}", "event", c->event, "at", at, "elapsed_s",
                          (json_int_t)((now - created) / 1000));
    json_t *cross = json_object_get(c->data, "cross_region");
    json_t *received = json_object_get(cross, "received_at_ms");
    if (json_is_integer(received)) {
        int64_t s = (now - json_integer_value(received)) / 1000;
        json_object_set_new(d, "since_receipt_s", json_integer(s));
        json_object_set_new(c->result, "since_receipt_s", json_integer(s));
    }
    json_object_set_new(c->result, "elapsed_s", json_integer((now - created) / 1000));
    json_object_set_new(c->data, "decision", d);
    return YZ_OK;
}
