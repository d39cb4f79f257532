/*
 * The filing application document. Validation follows the 登记立案规定 art. 6
 * (what a complaint must contain) and the service-address confirmation of
 * 民诉解释 art. 136. Every problem is reported at once, with its path.
 * Personal data (citizen IDs, phones, natural persons' addresses) is sealed on
 * the way in: the stored and recorded document holds <key>_enc and
 * <key>_masked, never the clear value.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/idnum.h"
#include "core/mask.h"
#include "core/utf8.h"
#include "catalog/catalog.h"
#include "crypto/pii.h"
#include "fees/fees.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct checker {
    struct yz_app *app;
    struct yz_field_errors *fe;
    char path[128]; /* longer than a field path (96) so building one never truncates */
    enum yz_err err; /* a sealing failure (not a user error) */
};

static const char *at(struct checker *c, const char *key)
{
    static _Thread_local char buf[128];
    snprintf(buf, sizeof buf, "%.70s/%.20s", c->path, key);
    return buf;
}

/* A bounded single- or multi-line text member; NULL when absent or bad. */
static const char *text(struct checker *c, const json_t *o, const char *key, const char *title,
                        bool required, size_t max, bool multiline)
{
    const json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            yz_field_errors_add(c->fe, at(c, key), "required", "请填写%s", title);
        return NULL;
    }
    if (!json_is_string(v)) {
        yz_field_errors_add(c->fe, at(c, key), "wrong_type", "%s应为文本", title);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!yz_utf8_valid(s, n) || memchr(s, '\0', n)) {
        yz_field_errors_add(c->fe, at(c, key), "invalid_text", "%s包含无效的字符", title);
        return NULL;
    }
    if (yz_utf8_has_control(s, n, multiline)) {
        yz_field_errors_add(c->fe, at(c, key), "invalid_text", "%s包含不允许的" YZ_UTF8_HIDDEN_TITLE,
                            title);
        return NULL;
    }
    /* Code points are counted only when the bytes could be too many: a code
     * point is at least a byte, and none is none. */
    size_t cps = n <= max ? n : yz_utf8_count(s, n);
    if (required && cps == 0) {
        yz_field_errors_add(c->fe, at(c, key), "required", "请填写%s", title);
        return NULL;
    }
    if (cps > max) {
        yz_field_errors_add(c->fe, at(c, key), "too_long", "%s不能超过 %zu 个字", title, max);
        return NULL;
    }
    return s;
}

static const char *choice(struct checker *c, const json_t *o, const char *key, const char *title,
                          bool required, const char *const *values)
{
    const char *s = text(c, o, key, title, required, 40, false);
    if (!s)
        return NULL;
    for (const char *const *v = values; *v; v++)
        if (strcmp(*v, s) == 0)
            return s;
    yz_field_errors_add(c->fe, at(c, key), "not_allowed", "%s的取值不在可选范围内", title);
    return NULL;
}

/* key + suffix into k (a literal key and a literal suffix: both short). */
static const char *suffixed(char k[64], const char *key, const char *suffix)
{
    size_t lk = strlen(key), ls = strlen(suffix);
    if (lk + ls >= 64)
        YZ_BUG("application: member name %s%s too long", key, suffix);
    memcpy(k, key, lk);
    memcpy(k + lk, suffix, ls + 1);
    return k;
}

/*
 * Members are set without jansson's UTF-8 checks of key and value (they were
 * a tenth of a bulk import's application checks): the keys are this file's
 * literals (with _enc or _masked appended), the texts passed text() (valid
 * UTF-8, no NUL), the sealed form is base64 and a mask's result is valid
 * UTF-8 by mask.h's contract.
 */
static void seal(struct checker *c, json_t *out, const char *key, const char *plain,
                 const char *context, bool (*mask)(const char *, size_t, char *, size_t))
{
    char *sealed = NULL;
    char masked[YZ_MASK_SIZE];
    size_t n = strlen(plain);
    if (c->err == YZ_OK)
        c->err = yz_pii_seal(c->app->keys, plain, n, context, &sealed);
    if (c->err != YZ_OK)
        return;
    char k[64];
    json_object_set_new_nocheck(out, suffixed(k, key, "_enc"), json_string_nocheck(sealed));
    free(sealed);
    mask(plain, n, masked, sizeof masked);
    json_object_set_new_nocheck(out, suffixed(k, key, "_masked"), json_string_nocheck(masked));
}

static void copy_text(json_t *out, const char *key, const char *v)
{
    if (v)
        json_object_set_new_nocheck(out, key, json_string_nocheck(v));
}

static const char *const party_roles[] = {"plaintiff", "defendant", "third_party", NULL};
static const char *const party_kinds[] = {"natural", "legal", "other", NULL};
static const char *const sexes[] = {"male", "female", NULL};

/* RULE: filing-party-particulars — 民事诉讼法 art. 124(1)(2). */
static json_t *party(struct checker *c, const json_t *p, int *plaintiffs, int *defendants)
{
    json_t *out = json_object();
    const char *role = choice(c, p, "role", "诉讼地位", true, party_roles);
    const char *kind = choice(c, p, "kind", "主体类型", true, party_kinds);
    bool plaintiff = role && strcmp(role, "plaintiff") == 0;
    if (role) {
        *plaintiffs += plaintiff;
        *defendants += strcmp(role, "defendant") == 0;
    }
    copy_text(out, "role", role);
    copy_text(out, "kind", kind);
    copy_text(out, "name", text(c, p, "name", "姓名或名称", true, 100, false));
    bool natural = kind && strcmp(kind, "natural") == 0;
    /* The court must be able to find a defendant: an address is required. */
    const char *address = text(c, p, "address", "住所或经常居住地", !plaintiff || !natural, 200, false);
    if (natural) {
        copy_text(out, "sex", choice(c, p, "sex", "性别", plaintiff, sexes));
        const char *birth = text(c, p, "birth_date", "出生日期", false, 10, false);
        struct yz_date d;
        if (birth && !yz_date_parse(birth, &d))
            yz_field_errors_add(c->fe, at(c, "birth_date"), "invalid_date",
                                "出生日期应为有效日期（YYYY-MM-DD）");
        else
            copy_text(out, "birth_date", birth);
        copy_text(out, "ethnicity", text(c, p, "ethnicity", "民族", false, 20, false));
        const char *cid = text(c, p, "citizen_id", "公民身份号码", plaintiff, 32, false);
        if (cid) {
            char norm[YZ_IDNUM_CITIZEN_SIZE];
            enum yz_idnum_problem pr = yz_idnum_citizen_normalise(
                cid, strlen(cid), yz_date_of_shanghai(yz_time_now_ms()), norm, sizeof norm);
            if (pr != YZ_IDNUM_OK)
                yz_field_errors_add(c->fe, at(c, "citizen_id"), yz_idnum_problem_code(pr), "%s",
                                    yz_idnum_problem_message(YZ_IDNUM_KIND_CITIZEN_ID, pr));
            else
                seal(c, out, "citizen_id", norm, "filing.citizen_id", yz_mask_citizen_id);
        }
        if (address)
            seal(c, out, "address", address, "filing.address", yz_mask_address);
    } else if (kind) {
        const char *code = text(c, p, "credit_code", "统一社会信用代码", plaintiff, 18, false);
        if (code) {
            enum yz_idnum_problem pr = yz_idnum_uscc_check(code, strlen(code));
            if (pr != YZ_IDNUM_OK)
                yz_field_errors_add(c->fe, at(c, "credit_code"), yz_idnum_problem_code(pr), "%s",
                                    yz_idnum_problem_message(YZ_IDNUM_KIND_USCC, pr));
            else
                copy_text(out, "credit_code", code);
        }
        copy_text(out, "legal_rep", text(c, p, "legal_rep", "法定代表人或主要负责人", plaintiff, 100, false));
        copy_text(out, "address", address); /* an organisation's seat is public */
    }
    const char *phone = text(c, p, "phone", "联系电话", false, 20, false);
    if (phone) {
        char norm[YZ_IDNUM_MOBILE_SIZE];
        enum yz_idnum_problem pr = yz_idnum_mobile_normalise(phone, strlen(phone), norm, sizeof norm);
        if (pr != YZ_IDNUM_OK)
            yz_field_errors_add(c->fe, at(c, "phone"), yz_idnum_problem_code(pr), "%s",
                                yz_idnum_problem_message(YZ_IDNUM_KIND_MOBILE, pr));
        else
            seal(c, out, "phone", norm, "filing.phone", yz_mask_mobile);
    }
    const char *known[] = {"role", "kind", "name", "address", "sex", "birth_date", "ethnicity",
                           "citizen_id", "credit_code", "legal_rep", "phone", NULL};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)p, k, v)
    {
        bool ok = false;
        for (const char **q = known; *q && !ok; q++)
            ok = strcmp(*q, k) == 0;
        if (!ok) {
            char key[64];
            snprintf(key, sizeof key, "%.60s", k);
            yz_field_errors_add(c->fe, at(c, key), "unknown_field", "不支持的字段");
        }
    }
    return out;
}

/* RULE: filing-agent — 民事诉讼法 art. 61-62: agents with a power of attorney. */
static json_t *agent(struct checker *c, const json_t *a, size_t nparties)
{
    json_t *out = json_object();
    copy_text(out, "name", text(c, a, "name", "代理人姓名", true, 100, false));
    const char *licence = text(c, a, "licence_no", "律师执业证号", false, 17, false);
    if (licence) {
        enum yz_idnum_problem pr = yz_idnum_lawyer_licence_check(licence, strlen(licence));
        if (pr != YZ_IDNUM_OK)
            yz_field_errors_add(c->fe, at(c, "licence_no"), yz_idnum_problem_code(pr), "%s",
                                yz_idnum_problem_message(YZ_IDNUM_KIND_LAWYER_LICENCE, pr));
        else
            copy_text(out, "licence_no", licence);
    }
    copy_text(out, "firm", text(c, a, "firm", "执业机构", licence != NULL, 100, false));
    const json_t *party = json_object_get(a, "party");
    if (!json_is_integer(party) || json_integer_value(party) < 0 ||
        (size_t)json_integer_value(party) >= nparties)
        yz_field_errors_add(c->fe, at(c, "party"), "invalid", "请指明代理的当事人（当事人序号）");
    else
        json_object_set_new_nocheck(out, "party", json_integer(json_integer_value(party)));
    const json_t *poa = json_object_get(a, "power_of_attorney");
    if (!json_is_integer(poa) || json_integer_value(poa) < 1)
        yz_field_errors_add(c->fe, at(c, "power_of_attorney"), "required",
                            "请上传授权委托书并填写其附件编号");
    else
        json_object_set_new_nocheck(out, "power_of_attorney", json_integer(json_integer_value(poa)));
    return out;
}

static json_t *evidence(struct checker *c, const json_t *e)
{
    json_t *out = json_object();
    copy_text(out, "name", text(c, e, "name", "证据名称", true, 100, false));
    copy_text(out, "source", text(c, e, "source", "证据来源", false, 200, false));
    copy_text(out, "purpose", text(c, e, "purpose", "证明目的", false, 500, true));
    const json_t *att = json_object_get(e, "attachment");
    if (att && (!json_is_integer(att) || json_integer_value(att) < 1))
        yz_field_errors_add(c->fe, at(c, "attachment"), "invalid", "附件编号不正确");
    else if (att)
        json_object_set_new_nocheck(out, "attachment", json_integer(json_integer_value(att)));
    return out;
}

/* RULE: service-address-confirmation — 民诉解释 art. 136-137; 在线诉讼规则 art. 29. */
static json_t *service_address(struct checker *c, const json_t *s)
{
    json_t *out = json_object();
    const char *addr = text(c, s, "address", "送达地址", true, 200, false);
    if (addr)
        seal(c, out, "address", addr, "filing.service_address", yz_mask_address);
    const char *phone = text(c, s, "phone", "送达联系电话", true, 20, false);
    if (phone) {
        char norm[YZ_IDNUM_MOBILE_SIZE];
        enum yz_idnum_problem pr = yz_idnum_mobile_normalise(phone, strlen(phone), norm, sizeof norm);
        if (pr != YZ_IDNUM_OK)
            yz_field_errors_add(c->fe, at(c, "phone"), yz_idnum_problem_code(pr), "%s",
                                yz_idnum_problem_message(YZ_IDNUM_KIND_MOBILE, pr));
        else
            seal(c, out, "phone", norm, "filing.service_phone", yz_mask_mobile);
    }
    const char *email = text(c, s, "email", "电子邮箱", false, 254, false);
    if (email) {
        const char *atp = strchr(email, '@');
        if (!atp || atp == email || !strchr(atp, '.') || strchr(atp + 1, '@'))
            yz_field_errors_add(c->fe, at(c, "email"), "invalid", "电子邮箱格式不正确");
        else
            copy_text(out, "email", email);
    }
    const json_t *consent = json_object_get(s, "e_service_consent");
    if (!json_is_boolean(consent))
        yz_field_errors_add(c->fe, at(c, "e_service_consent"), "required",
                            "请选择是否同意电子送达");
    else
        json_object_set_new_nocheck(out, "e_service_consent", json_boolean(json_is_true(consent)));
    return out;
}

static const json_t *array(struct checker *c, const json_t *o, const char *key, const char *title,
                           bool required, size_t max)
{
    const json_t *a = json_object_get(o, key);
    if (!a) {
        if (required)
            yz_field_errors_add(c->fe, at(c, key), "required", "请填写%s", title);
        return NULL;
    }
    if (!json_is_array(a)) {
        yz_field_errors_add(c->fe, at(c, key), "wrong_type", "%s应为列表", title);
        return NULL;
    }
    if (json_array_size(a) > max) {
        yz_field_errors_add(c->fe, at(c, key), "too_many", "%s最多 %zu 项", title, max);
        return NULL;
    }
    return a;
}

/* parent/base/i into out (128 bytes), as "%.60s/%.16s/%zu" writes it: an
 * item's path, made for every item of every list (snprintf was a fortieth of
 * a bulk import's application checks) though read only for an error. */
static void item_path(char out[128], const char *parent, const char *base, size_t i)
{
    size_t lp = strnlen(parent, 60), lb = strnlen(base, 16);
    memcpy(out, parent, lp);
    out[lp] = '/';
    memcpy(out + lp + 1, base, lb);
    char *w = out + lp + 1 + lb;
    *w++ = '/';
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    while (n)
        *w++ = digits[--n];
    *w = '\0';
}

static void each(struct checker *c, const char *base, const json_t *a, json_t *out_array,
                 json_t *(*fn)(struct checker *, const json_t *, void *), void *arg, const char *title)
{
    char saved[128];
    memcpy(saved, c->path, sizeof saved);
    size_t i;
    const json_t *item;
    json_array_foreach(a, i, item)
    {
        item_path(c->path, saved, base, i);
        if (!json_is_object(item)) {
            yz_field_errors_add(c->fe, c->path, "wrong_type", "%s应为对象", title);
            continue;
        }
        json_array_append_new(out_array, fn(c, item, arg));
    }
    memcpy(c->path, saved, sizeof saved);
}

struct party_counts {
    int plaintiffs, defendants;
};
static json_t *party_cb(struct checker *c, const json_t *p, void *arg)
{
    struct party_counts *n = arg;
    return party(c, p, &n->plaintiffs, &n->defendants);
}
static json_t *agent_cb(struct checker *c, const json_t *a, void *arg)
{
    return agent(c, a, *(size_t *)arg);
}
static json_t *evidence_cb(struct checker *c, const json_t *e, void *arg)
{
    return evidence(c, e);
}
static json_t *attachment_cb(struct checker *c, const json_t *a, void *arg)
{
    json_t *out = json_object();
    const json_t *id = json_object_get(a, "id");
    if (!json_is_integer(id) || json_integer_value(id) < 1)
        yz_field_errors_add(c->fe, at(c, "id"), "invalid", "附件编号不正确");
    else
        json_object_set_new_nocheck(out, "id", json_integer(json_integer_value(id)));
    const char *m = text(c, a, "material", "材料类别", true, 40, false);
    if (m && !yz_catalog_material(c->app->catalog, m))
        yz_field_errors_add(c->fe, at(c, "material"), "not_found",
                            "材料类别不在立案材料公示清单中");
    else
        copy_text(out, "material", m);
    return out;
}

enum yz_err yz_filing_prepare_application(struct yz_app *app, const json_t *in, const char *path,
                                          json_t **out, struct yz_field_errors *fe)
{
    struct checker c = {.app = app, .fe = fe};
    yz_strlcpy(c.path, path, sizeof c.path);
    int before = fe->count + fe->dropped;
    json_t *o = json_object();

    /* RULE: cause-revision-2026 — a new matter takes the catalogue in force
     * today unless it names the revision it was begun under. */
    enum yz_cause_rev rev = yz_catalog_revision_for(yz_date_of_shanghai(yz_time_now_ms()));
    const json_t *revj = json_object_get(in, "cause_revision");
    if (revj && (!json_is_integer(revj) || (json_integer_value(revj) != YZ_CAUSE_REV_2020 &&
                                            json_integer_value(revj) != YZ_CAUSE_REV_2025)))
        yz_field_errors_add(fe, at(&c, "cause_revision"), "invalid", "案由版本应为 2020 或 2025");
    else if (revj)
        rev = (enum yz_cause_rev)json_integer_value(revj);
    const char *cause_code = text(&c, in, "cause_code", "案由", true, 15, false);
    const struct yz_cause *cause =
        cause_code ? yz_catalog_cause(app->catalog, cause_code, rev) : NULL;
    if (cause_code && !cause)
        yz_field_errors_add(fe, at(&c, "cause_code"), "not_found", "案由不在%d年版民事案件案由目录中",
                            (int)rev);
    if (cause) {
        /* The catalogue's name, not whatever the client sent (its texts
         * were checked as UTF-8 when it was loaded). */
        json_object_set_new_nocheck(o, "cause_code", json_string_nocheck(cause->code));
        json_object_set_new_nocheck(o, "cause_name", json_string_nocheck(cause->name));
        json_object_set_new_nocheck(o, "cause_revision", json_integer(rev));
    }
    text(&c, in, "cause_name", "案由名称", false, 60, false);
    const char *case_type = text(&c, in, "case_type", "案件类型代字", true, 8, false);
    const struct yz_case_type *types[1];
    if (case_type && yz_catalog_case_types_by_code(app->catalog, case_type, types, 1) == 0)
        yz_field_errors_add(fe, at(&c, "case_type"), "not_found", "案件类型代字不正确");
    else
        copy_text(o, "case_type", case_type);
    const char *fee_kind = text(&c, in, "fee_kind", "诉讼费用类别", false, 40, false);
    enum yz_fee_kind fk;
    if (fee_kind && !yz_fee_kind_parse(fee_kind, &fk))
        yz_field_errors_add(fe, at(&c, "fee_kind"), "not_allowed", "诉讼费用类别不正确");
    else
        copy_text(o, "fee_kind", fee_kind);

    struct party_counts counts = {0, 0};
    const json_t *parties = array(&c, in, "parties", "当事人", true, YZ_FILING_MAX_PARTIES);
    json_t *parties_out = json_array();
    if (parties)
        each(&c, "parties", parties, parties_out, party_cb, &counts, "当事人");
    /* RULE: filing-needs-both-sides — 民事诉讼法 art. 122(1)(2): a plaintiff and a definite defendant. */
    if (parties && counts.plaintiffs == 0)
        yz_field_errors_add(fe, at(&c, "parties"), "no_plaintiff", "至少需要一名原告");
    if (parties && counts.defendants == 0)
        yz_field_errors_add(fe, at(&c, "parties"), "no_defendant", "起诉必须有明确的被告");
    json_object_set_new_nocheck(o, "parties", parties_out);

    size_t nparties = parties ? json_array_size(parties) : 0;
    const json_t *agents = array(&c, in, "agents", "代理人", false, YZ_FILING_MAX_PARTIES);
    json_t *agents_out = json_array();
    if (agents)
        each(&c, "agents", agents, agents_out, agent_cb, &nparties, "代理人");
    json_object_set_new_nocheck(o, "agents", agents_out);

    /* RULE: filing-claims — 民事诉讼法 art. 124(3): claims, facts and reasons. */
    copy_text(o, "claims", text(&c, in, "claims", "诉讼请求", true, 2000, true));
    copy_text(o, "facts", text(&c, in, "facts", "事实与理由", true, 20000, true));
    const json_t *amount = json_object_get(in, "amount_fen");
    if (amount && (!json_is_integer(amount) || json_integer_value(amount) < 0 ||
                   json_integer_value(amount) > YZ_FILING_MAX_AMOUNT_FEN))
        yz_field_errors_add(fe, at(&c, "amount_fen"), "out_of_range",
                            "诉讼标的额应为 0 到 1 万亿元之间的整数（单位：分）");
    else if (amount)
        json_object_set_new_nocheck(o, "amount_fen", json_integer(json_integer_value(amount)));

    const json_t *ev = array(&c, in, "evidence", "证据清单", false, YZ_FILING_MAX_EVIDENCE);
    json_t *ev_out = json_array();
    if (ev)
        each(&c, "evidence", ev, ev_out, evidence_cb, NULL, "证据");
    json_object_set_new_nocheck(o, "evidence", ev_out);

    const json_t *atts = array(&c, in, "attachments", "附件", false, YZ_FILING_MAX_ATTACHMENTS);
    json_t *atts_out = json_array();
    if (atts)
        each(&c, "attachments", atts, atts_out, attachment_cb, NULL, "附件");
    json_object_set_new_nocheck(o, "attachments", atts_out);

    const json_t *svc = json_object_get(in, "service_address");
    if (!json_is_object(svc)) {
        yz_field_errors_add(fe, at(&c, "service_address"), "required", "请填写送达地址确认书");
    } else {
        char saved[128];
        memcpy(saved, c.path, sizeof saved);
        snprintf(c.path, sizeof c.path, "%.70s/service_address", saved);
        json_object_set_new_nocheck(o, "service_address", service_address(&c, svc));
        memcpy(c.path, saved, sizeof saved);
    }

    const char *known[] = {"cause_code", "cause_name", "cause_revision", "case_type", "fee_kind", "parties",
                           "agents", "claims", "facts", "amount_fen", "evidence", "attachments",
                           "service_address", NULL};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)in, k, v)
    {
        bool ok = false;
        for (const char **q = known; *q && !ok; q++)
            ok = strcmp(*q, k) == 0;
        if (!ok) {
            char key[64];
            snprintf(key, sizeof key, "%.60s", k);
            yz_field_errors_add(fe, at(&c, key), "unknown_field", "不支持的字段");
        }
    }
    if (c.err != YZ_OK || fe->count + fe->dropped > before) {
        json_decref(o);
        return c.err != YZ_OK ? c.err : YZ_ERR_VALIDATION;
    }
    *out = o;
    return YZ_OK;
}

/* RULE: one-time-notice — 登记立案规定 art. 7: everything to correct, at once, in writing. */
enum yz_err yz_filing_prepare_correction(struct yz_app *app, const json_t *in, const char *path,
                                         json_t **out, struct yz_field_errors *fe)
{
    struct checker c = {.app = app, .fe = fe};
    yz_strlcpy(c.path, path, sizeof c.path);
    int before = fe->count + fe->dropped;
    json_t *o = json_object();
    const json_t *items = array(&c, in, "items", "补正事项", true, 50);
    json_t *items_out = json_array();
    if (items && json_array_size(items) == 0)
        yz_field_errors_add(fe, at(&c, "items"), "required", "请列明全部需要补正的事项");
    size_t i;
    const json_t *it;
    if (items)
        json_array_foreach(items, i, it)
        {
            char saved[128];
            memcpy(saved, c.path, sizeof saved);
            snprintf(c.path, sizeof c.path, "%.70s/items/%zu", saved, i);
            if (!json_is_object(it)) {
                yz_field_errors_add(fe, c.path, "wrong_type", "补正事项应为对象");
            } else {
                json_t *x = json_object();
                const char *m = text(&c, it, "material", "材料类别", false, 40, false);
                if (m && !yz_catalog_material(app->catalog, m))
                    yz_field_errors_add(fe, at(&c, "material"), "not_found",
                                        "材料类别不在立案材料公示清单中");
                else
                    copy_text(x, "material", m);
                copy_text(x, "description", text(&c, it, "description", "补正内容", true, 500, true));
                json_array_append_new(items_out, x);
            }
            memcpy(c.path, saved, sizeof saved);
        }
    json_object_set_new_nocheck(o, "items", items_out);
    copy_text(o, "note", text(&c, in, "note", "说明", false, 2000, true));
    if (fe->count + fe->dropped > before) {
        json_decref(o);
        return YZ_ERR_VALIDATION;
    }
    *out = o;
    return YZ_OK;
}
