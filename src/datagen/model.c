/*
 * The mix of the synthetic court data (datagen.h): random numbers, courts,
 * causes, amounts and parties. Shares are rough figures for a city's basic
 * courts' civil first-instance cases (loans, credit cards, sales, divorce,
 * traffic accidents and property fees lead; a long tail of everything else),
 * not statistics of any court.
 */
#include "datagen/datagen.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "core/clock.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* ---- xoshiro256** seeded by splitmix64 ---- */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void yz_rng_seed(struct yz_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t yz_rng_next(struct yz_rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double yz_rng_unit(struct yz_rng *r)
{
    return (double)(yz_rng_next(r) >> 11) * 0x1.0p-53;
}

int64_t yz_rng_below(struct yz_rng *r, int64_t n)
{
    return n <= 1 ? 0 : (int64_t)(yz_rng_unit(r) * (double)n);
}

double yz_rng_normal(struct yz_rng *r)
{
    double u = yz_rng_unit(r), v = yz_rng_unit(r);
    return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

void yz_pick_init(struct yz_pick *p, const double *w, size_t n)
{
    p->cum = yz_calloc(n ? n : 1, sizeof *p->cum);
    p->n = n;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        p->cum[i] = (sum += w[i]);
}

size_t yz_pick(const struct yz_pick *p, struct yz_rng *r)
{
    double x = yz_rng_unit(r) * p->cum[p->n - 1];
    size_t lo = 0, hi = p->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void yz_pick_free(struct yz_pick *p)
{
    free(p->cum);
    p->cum = NULL;
}

/* ---- the model ---- */

/* The common causes (2025 catalogue) and their share of all filings, in %. */
static const struct {
    const char *code;
    double share;
    int natural_plaintiff_pct; /* how often the plaintiff is a person rather than a company */
    double median_yuan;        /* of the amount claimed; 0: none usually claimed */
} common[] = {
    {"108.3", 14, 95, 50000},   /* 民间借贷 */
    {"108.1", 9, 0, 120000},    /* 金融借款合同 */
    {"115.2", 9, 0, 25000},     /* 信用卡 */
    {"88", 8, 40, 60000},       /* 买卖合同 */
    {"14", 7, 100, 0},          /* 离婚 */
    {"411", 6, 95, 80000},      /* 机动车交通事故责任 */
    {"126", 5, 0, 4000},        /* 物业服务合同 */
    {"116.2", 4, 70, 20000},    /* 房屋租赁合同 */
    {"205.5", 3, 100, 30000},   /* 追索劳动报酬 */
    {"120.3", 3, 20, 400000},   /* 建设工程施工合同 */
    {"142", 2.5, 40, 15000},    /* 服务合同 */
    {"88.8", 2, 90, 3000},      /* 信息网络买卖合同 */
    {"108.4", 2, 0, 8000},      /* 小额借款合同 */
    {"120.7", 1.5, 90, 40000},  /* 装饰装修合同 */
    {"109", 1.5, 50, 150000},   /* 保证合同 */
    {"22.1", 1.5, 100, 60000},  /* 抚养费 */
    {"406", 1, 100, 50000},     /* 提供劳务者受害责任 */
    {"29", 1, 100, 300000},     /* 法定继承 */
    {"24.1", 0.5, 100, 20000},  /* 赡养费 */
};
#define TAIL_SHARE 17.5 /* % of filings over every other cause, Zipf-weighted */

struct cause_entry {
    const struct yz_cause *cause;
    int natural_plaintiff_pct;
    double median_yuan;
};

struct yz_datagen_model {
    struct yz_app *app;
    struct cause_entry *causes;
    size_t ncauses;
    struct yz_pick cause_pick, court_pick;
    size_t *court_index; /* court_pick's items: indexes into app->courts */
};

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "罗", "高", "林", "谭", "冉", "向", "邓", "蒋", "唐", "彭", "曾", "冯", "秦"};
static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "华", "平", "刚", "桂英", "建国", "志强", "红梅", "小龙", "雪", "鑫",
    "浩", "婷", "宇航", "思远", "欣怡", "子涵", "俊杰", "海燕", "德明", "玉兰", "春花", "国庆"};
static const char *const company_kinds[] = {"商贸", "建筑工程", "物业管理", "科技", "小额贷款",
                                            "实业", "房地产开发", "餐饮管理", "汽车销售", "装饰工程"};
static const char *const banks[] = {"中国工商银行股份有限公司重庆市分行",
                                    "中国建设银行股份有限公司重庆市分行",
                                    "招商银行股份有限公司信用卡中心", "重庆农村商业银行股份有限公司",
                                    "重庆银行股份有限公司", "平安银行股份有限公司信用卡中心"};
static const char *const streets[] = {"解放碑街道", "观音桥街道", "南坪街道", "杨家坪街道",
                                      "沙坪坝街道", "石桥铺街道", "龙头寺街道", "鱼洞街道",
                                      "两路街道", "北碚天生街道"};
static const char *const ethnicities[] = {"汉族", "汉族", "汉族", "汉族", "土家族", "苗族"};
static const char *const uscc_set = "0123456789ABCDEFGHJKLMNPQRTUWXY";

enum yz_err yz_datagen_model_new(struct yz_app *app, struct yz_datagen_model **out,
                                 struct yz_buf *err)
{
    struct yz_datagen_model *m = yz_calloc(1, sizeof *m);
    m->app = app;
    size_t n = yz_catalog_cause_count(app->catalog, YZ_CAUSE_REV_2025);
    m->causes = yz_calloc(n + 1, sizeof *m->causes);
    double *w = yz_calloc(n + 1, sizeof *w);
    size_t ncommon = sizeof common / sizeof common[0];
    for (size_t i = 0; i < ncommon; i++) {
        const struct yz_cause *c = yz_catalog_cause(app->catalog, common[i].code, YZ_CAUSE_REV_2025);
        if (!c) {
            yz_buf_addf(err, "cause %s is not in the 2025 catalogue", common[i].code);
            free(w);
            yz_datagen_model_free(m);
            return YZ_ERR_CONFIG;
        }
        m->causes[m->ncauses] = (struct cause_entry){c, common[i].natural_plaintiff_pct,
                                                     common[i].median_yuan};
        w[m->ncauses++] = common[i].share;
    }
    /* The tail: every other cause of level 3 or 4, in catalogue order, Zipf (s = 1). */
    double tail_norm = 0;
    size_t first_tail = m->ncauses;
    for (size_t i = 0; i < n; i++) {
        const struct yz_cause *c = yz_catalog_cause_at(app->catalog, YZ_CAUSE_REV_2025, i);
        bool named = false;
        for (size_t k = 0; k < ncommon && !named; k++)
            named = strcmp(c->code, common[k].code) == 0;
        if (c->level < 3 || named)
            continue;
        m->causes[m->ncauses] = (struct cause_entry){c, 60, 50000};
        w[m->ncauses] = 1.0 / (double)(m->ncauses - first_tail + 1);
        tail_norm += w[m->ncauses++];
    }
    for (size_t i = first_tail; i < m->ncauses; i++)
        w[i] = w[i] / tail_norm * TAIL_SHARE;
    yz_pick_init(&m->cause_pick, w, m->ncauses);
    free(w);

    /* Courts with a case-number code: basic courts by size (the earlier in the
     * list the busier, 1/rank^0.6), intermediate courts a tenth of that. */
    m->court_index = yz_calloc(app->courts.count + 1, sizeof *m->court_index);
    double *cw = yz_calloc(app->courts.count + 1, sizeof *cw);
    size_t nc = 0, rank = 0;
    for (size_t i = 0; i < app->courts.count; i++) {
        const struct yz_court *c = &app->courts.items[i];
        if (!c->code[0] || c->special)
            continue;
        if (strcmp(c->level, "basic") == 0)
            cw[nc] = 1.0 / pow((double)++rank, 0.6);
        else if (strcmp(c->level, "intermediate") == 0)
            cw[nc] = 0.05;
        else
            continue;
        m->court_index[nc++] = i;
    }
    if (nc == 0) {
        yz_buf_adds(err, "no court with a case-number code: run yizhan init first");
        free(cw);
        yz_datagen_model_free(m);
        return YZ_ERR_CONFIG;
    }
    yz_pick_init(&m->court_pick, cw, nc);
    free(cw);
    *out = m;
    return YZ_OK;
}

void yz_datagen_model_free(struct yz_datagen_model *m)
{
    if (!m)
        return;
    yz_pick_free(&m->cause_pick);
    yz_pick_free(&m->court_pick);
    free(m->court_index);
    free(m->causes);
    free(m);
}

size_t yz_datagen_court(struct yz_datagen_model *m, struct yz_rng *r)
{
    return m->court_index[yz_pick(&m->court_pick, r)];
}

/*
 * Texts are put together piece by piece instead of by snprintf, which was a
 * third of the model's instructions: the same bytes, cut at size - 1 like
 * snprintf would cut them.
 */
struct text {
    char *p;
    size_t len, size; /* size > 0 */
};

static struct text text_at(char *p, size_t size)
{
    p[0] = '\0';
    return (struct text){p, 0, size};
}

static void text_add(struct text *t, const char *s)
{
    size_t n = strlen(s), room = t->size - 1 - t->len;
    if (n > room)
        n = room;
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* v (0 <= v) in decimal, at least width digits (zero-padded as %0*lld). */
static void text_int(struct text *t, int64_t v, int width)
{
    char d[24];
    int n = 0;
    do {
        d[sizeof d - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < (int)sizeof d - 1)
        d[sizeof d - 1 - n++] = '0';
    char out[24];
    memcpy(out, d + sizeof d - n, (size_t)n);
    out[n] = '\0';
    text_add(t, out);
}

#define PICK(r, arr) (arr)[yz_rng_below((r), (int64_t)(sizeof(arr) / sizeof((arr)[0])))]

static void person_name(struct yz_rng *r, char *out, size_t size)
{
    /* The given name is drawn first: the order GCC evaluated the printf
     * form's arguments in, kept so that a seed gives the cases it gave. */
    const char *g = PICK(r, given);
    struct text t = text_at(out, size);
    text_add(&t, PICK(r, surnames));
    text_add(&t, g);
}

/* A valid 18-digit citizen ID (GB 11643) of a Chongqing district, born 1950-2004. */
static void citizen_id(struct yz_rng *r, bool male, char out[19])
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    struct yz_date born = yz_date_from_days(yz_date_to_days((struct yz_date){1950, 1, 1}) +
                                            yz_rng_below(r, 55 * 365));
    int seq = (int)yz_rng_below(r, 500) * 2 + (male ? 1 : 0);
    struct text t = text_at(out, 19);
    text_add(&t, "5001");
    text_int(&t, yz_rng_below(r, 18) + 1, 2);
    text_int(&t, born.year % 10000, 4);
    text_int(&t, born.month % 100, 2);
    text_int(&t, born.day % 100, 2);
    text_int(&t, seq % 1000, 3);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * weights[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* A valid unified social credit code (GB 32100 MOD 31) registered in Chongqing. */
static void credit_code(struct yz_rng *r, char out[19])
{
    static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    struct text t = text_at(out, 19);
    text_add(&t, "91500");
    text_int(&t, yz_rng_below(r, 200) + 100, 3);
    for (int i = 8; i < 17; i++)
        out[i] = uscc_set[yz_rng_below(r, 31)];
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (int)(strchr(uscc_set, out[i]) - uscc_set) * weights[i];
    out[17] = uscc_set[(31 - sum % 31) % 31];
    out[18] = '\0';
}

static void mobile(struct yz_rng *r, char out[12])
{
    static const char *const prefixes[] = {"138", "139", "136", "158", "177", "187", "199"};
    int64_t number = yz_rng_below(r, 100000000); /* drawn first, as in the printf form */
    struct text t = text_at(out, 12);
    text_add(&t, PICK(r, prefixes));
    text_int(&t, number, 8);
}

static void address(struct yz_rng *r, const char *court_name, char *out, size_t size)
{
    int64_t number = yz_rng_below(r, 300) + 1; /* drawn first, as in the printf form */
    struct text t = text_at(out, size);
    text_add(&t, "重庆市");
    text_add(&t, PICK(r, streets));
    text_int(&t, number, 0);
    text_add(&t, "号");
    (void)court_name;
}

/*
 * Members set without jansson's UTF-8 checks of key and value (json_pack made
 * a fifth of the model's instructions mostly with them): the keys are
 * literals, the values come from the tables above, the catalogue and digits,
 * and yz_filing_prepare_application checks every text of the generated
 * application as it checks a client's.
 */
static void set_text(json_t *o, const char *key, const char *v)
{
    json_object_set_new_nocheck(o, key, json_string_nocheck(v));
}

static json_t *natural_party(struct yz_rng *r, const char *role, const char *court,
                             bool with_phone)
{
    char name[32], cid[19], addr[96], phone[12];
    bool male = yz_rng_below(r, 2);
    person_name(r, name, sizeof name);
    citizen_id(r, male, cid);
    address(r, court, addr, sizeof addr);
    char birth[11];
    memcpy(birth, cid + 6, 4); /* YYYY-MM-DD from the ID's digits 7-14 */
    birth[4] = '-';
    memcpy(birth + 5, cid + 10, 2);
    birth[7] = '-';
    memcpy(birth + 8, cid + 12, 2);
    birth[10] = '\0';
    json_t *o = json_object();
    set_text(o, "role", role);
    set_text(o, "kind", "natural");
    set_text(o, "name", name);
    set_text(o, "sex", male ? "male" : "female");
    set_text(o, "birth_date", birth);
    set_text(o, "ethnicity", PICK(r, ethnicities));
    set_text(o, "citizen_id", cid);
    set_text(o, "address", addr);
    if (with_phone) {
        mobile(r, phone);
        set_text(o, "phone", phone);
    }
    return o;
}

static json_t *legal_party(struct yz_rng *r, const char *role, const char *cause_code)
{
    char name[160], code[19], rep[32];
    bool bank = strcmp(cause_code, "108.1") == 0 || strcmp(cause_code, "115.2") == 0;
    if (bank) {
        yz_strlcpy(name, PICK(r, banks), sizeof name);
        /* A bank's code is the same in every case it brings. */
        struct yz_rng fixed;
        yz_rng_seed(&fixed, (uint64_t)strlen(name) * 7919u + (uint64_t)(unsigned char)name[3]);
        credit_code(&fixed, code);
    } else {
        char owner[32];
        person_name(r, owner, sizeof owner);
        struct text t = text_at(name, sizeof name);
        text_add(&t, "重庆");
        text_add(&t, owner);
        text_add(&t, PICK(r, company_kinds));
        text_add(&t, "有限公司");
        credit_code(r, code);
    }
    person_name(r, rep, sizeof rep);
    char addr[96];
    address(r, "", addr, sizeof addr);
    json_t *o = json_object();
    set_text(o, "role", role);
    set_text(o, "kind", "legal");
    set_text(o, "name", name);
    set_text(o, "credit_code", code);
    set_text(o, "legal_rep", rep);
    set_text(o, "address", addr);
    return o;
}

/* Amount claimed: log-normal around the cause's median (sigma 1.1), whole yuan. */
static int64_t amount_fen(struct yz_rng *r, double median_yuan)
{
    double yuan = median_yuan * exp(1.1 * yz_rng_normal(r));
    if (yuan < 100)
        yuan = 100;
    if (yuan > 5e8)
        yuan = 5e8;
    return (int64_t)yuan * 100;
}

void yz_datagen_case(struct yz_datagen_model *m, struct yz_rng *r, const char *court_name,
                     struct yz_datagen_case_input *out)
{
    const struct cause_entry *ce = &m->causes[yz_pick(&m->cause_pick, r)];
    memset(out, 0, sizeof *out);
    out->cause_code = ce->cause->code;
    bool natural = yz_rng_below(r, 100) < ce->natural_plaintiff_pct;
    json_t *parties = json_array();
    json_array_append_new(parties,
                          natural ? natural_party(r, "plaintiff", court_name, true)
                                  : legal_party(r, "plaintiff", ce->cause->code));
    /* Defendants: mostly people; one in eight cases has a second defendant. */
    int ndef = yz_rng_below(r, 8) == 0 ? 2 : 1;
    for (int i = 0; i < ndef; i++) {
        bool company = !natural && yz_rng_below(r, 4) == 0;
        json_array_append_new(parties, company ? legal_party(r, "defendant", "")
                                               : natural_party(r, "defendant", court_name, false));
    }
    out->amount_fen = ce->median_yuan > 0 || yz_rng_below(r, 3) == 0
                          ? amount_fen(r, ce->median_yuan > 0 ? ce->median_yuan : 50000)
                          : -1;
    char claims[256], facts[512];
    struct text t = text_at(claims, sizeof claims);
    if (out->amount_fen >= 0) {
        text_add(&t, "1. 判令被告支付原告");
        text_int(&t, out->amount_fen / 100, 0);
        text_add(&t, ".");
        text_int(&t, out->amount_fen % 100, 2);
        text_add(&t, "元及利息；\n2. 本案诉讼费用由被告承担。");
    } else {
        text_add(&t, "1. 依法判决");
        text_add(&t, ce->cause->name);
        text_add(&t, "；\n2. 本案诉讼费用由被告承担。");
    }
    t = text_at(facts, sizeof facts);
    text_add(&t, "原、被告之间发生");
    text_add(&t, ce->cause->name);
    text_add(&t, "。原告多次催告，被告至今未履行相应义务，原告为维护自身合法权益，特诉至贵院。");
    char svc[96], phone[12];
    address(r, court_name, svc, sizeof svc);
    mobile(r, phone);
    json_t *svc_o = json_object();
    set_text(svc_o, "address", svc);
    set_text(svc_o, "phone", phone);
    json_object_set_new_nocheck(svc_o, "e_service_consent", json_boolean(yz_rng_below(r, 10) < 7));
    json_t *a = json_object();
    set_text(a, "cause_code", ce->cause->code);
    json_object_set_new_nocheck(a, "cause_revision", json_integer(2025));
    set_text(a, "case_type", "民初");
    json_object_set_new_nocheck(a, "parties", parties);
    set_text(a, "claims", claims);
    set_text(a, "facts", facts);
    json_object_set_new_nocheck(a, "service_address", svc_o);
    if (out->amount_fen >= 0)
        json_object_set_new_nocheck(a, "amount_fen", json_integer(out->amount_fen));
    json_t *proof = json_object();
    set_text(proof, "name", "身份证明及相关凭证");
    set_text(proof, "source", "原告提供");
    json_t *evidence = json_array();
    json_array_append_new(evidence, proof);
    json_object_set_new_nocheck(a, "evidence", evidence);
    out->application = a;
}
