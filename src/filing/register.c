/*
 * Registration effects: the case number and, in fee.c, the fee. They run in
 * the transaction of the "register" event, so a registration that fails for
 * any reason takes its number back (no gaps) and leaves no half-registered case.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "caseno/caseno.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "crypto/pii.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static struct yz_sql_def q_case = YZ_SQL(
    "INSERT INTO cases(matter_id, case_number, court_id, year, type_code, seq, cause_revision,"
    " cause_code, query_code_hash, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

/* Unambiguous characters for a code people read out on the phone. */
static void new_query_code(char out[9])
{
    static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    for (int i = 0; i < 8; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[8] = '\0';
}

/* The lookup hash of a (case number, query code) pair for the public progress lookup. */
enum yz_err yz_filing_query_hash(struct yz_app *app, const char *case_number, const char *code,
                                 char out[65])
{
    char both[160];
    snprintf(both, sizeof both, "%s\n%s", case_number, code);
    return yz_pii_lookup(app->keys, "query_code", both, out);
}

static bool type_code_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n < 3 || n > 24 || !yz_utf8_valid(t, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] < 0x80)
            return false; /* 代字 are Chinese characters only */
    return true;
}

/* RULE: case-number-assignment — 案号规定 arts 3-6: per court, year and type code. */
enum yz_err yz_filing_assign_case_number(struct yz_effect_ctx *c)
{
    const struct yz_court *court = yz_courts_find(&c->app->courts, c->court_id);
    if (!court || !court->code[0]) {
        yz_field_errors_add(c->fe, "court", "no_case_code", "本院的案号代字尚未配置，暂不能登记立案");
        return YZ_ERR_VALIDATION;
    }
    json_t *application = json_object_get(c->data, "application");
    const char *type = json_string_value(json_object_get(application, "case_type"));
    if (!type_code_ok(type)) {
        yz_field_errors_add(c->fe, "fields/application/case_type", "invalid",
                            "案件类型代字不正确，无法编制案号");
        return YZ_ERR_VALIDATION;
    }
    struct yz_caseno no = {0};
    no.year = yz_date_of_shanghai(yz_time_now_ms()).year;
    yz_strlcpy(no.court_code, court->code, sizeof no.court_code);
    yz_strlcpy(no.type_code, type, sizeof no.type_code);
    enum yz_err e = yz_caseno_next(c->tx, c->court_id, no.year, type, &no.seq);
    if (e != YZ_OK)
        return e;
    char number[YZ_CASENO_MAX], code[9], hash[65];
    if (!yz_caseno_format(&no, number, sizeof number))
        return YZ_ERR_INTERNAL;
    new_query_code(code);
    if ((e = yz_filing_query_hash(c->app, number, code, hash)) != YZ_OK)
        return e;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st = yz_sql(c->tx, &q_case);
    yz_bind_i64(st, 1, c->matter_id);
    yz_bind_text(st, 2, number);
    yz_bind_i64(st, 3, c->court_id);
    yz_bind_i64(st, 4, no.year);
    yz_bind_text(st, 5, type);
    yz_bind_i64(st, 6, no.seq);
    json_t *rev = json_object_get(application, "cause_revision");
    if (json_is_integer(rev))
        yz_bind_i64(st, 7, json_integer_value(rev));
    else
        yz_bind_null(st, 7);
    yz_bind_text(st, 8, json_string_value(json_object_get(application, "cause_code")));
    yz_bind_text(st, 9, hash);
    yz_bind_i64(st, 10, now);
    if ((e = yz_exec(st)) != YZ_OK)
        return e;
    char at[40];
    yz_time_format_utc(now, at, sizeof at);
    json_object_set_new(c->data, "case",
                        json_pack("{s:s, s:s, s:s}", "case_number", number, "query_code", code,
                                  "registered_at", at));
    json_object_set_new(c->result, "case_number", json_string(number));
    return YZ_OK;
}
