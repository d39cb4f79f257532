/*
 * The three notices of a pre-filing mediation (notices.h). Each is assembled
 * into one bounded yz_buf from fixed paragraphs and the matter's own data;
 * money goes through the fee calculator and is printed with integer
 * arithmetic only. The citations are the ones the paragraphs depend on; a
 * rule whose article number we could not verify is named without one.
 */
#include "mediation/notices.h"
#include "app/app.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/fielderr.h"
#include "fees/fees.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define NOTICE_MAX_BYTES (64 * 1024)
#define NAMES_MAX_BYTES 1024

const char *const yz_notice_kind_names[] = {"dispute_resolution", "fee_reduction",
                                            "litigation_risk", "administrative_referral", NULL};

bool yz_notice_kind_parse(const char *s, enum yz_notice_kind *out)
{
    if (!s)
        return false;
    for (int i = 0; yz_notice_kind_names[i]; i++)
        if (strcmp(s, yz_notice_kind_names[i]) == 0) {
            *out = (enum yz_notice_kind)(i + 1);
            return true;
        }
    return false;
}

/* RULE: notice-cause-risks — keyed by 2025 catalogue codes. */
static const struct yz_notice_risk risks[] = {
    {"108.3", "民间借贷的利率上限",
     "出借人请求借款人按照合同约定利率支付利息的，约定的利率超过合同成立时一年期贷款市场报价利率（LPR）四倍的部分，"
     "人民法院不予支持（《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第二十五条）。借贷双方没有约定利息，"
     "或者对利息约定不明的，出借人主张支付利息可能得不到支持。"},
    {"108", "借贷合意与款项交付的举证",
     "主张借款关系的一方，既要证明双方存在借贷合意（借条、借款合同、聊天记录等），也要证明款项已经实际交付"
     "（银行转账记录、收款凭证等）。仅有借条而不能说明交付情况，或者大额现金交付缺乏合理说明的，可能承担不利后果。"
     "借款人主张已经还款的，应当提供还款凭证。"},
    {"88", "买卖合同的质量异议与货款举证",
     "买受人应当在约定的检验期限内，或者在发现或者应当发现标的物数量、质量不符合约定的合理期限内通知出卖人；"
     "怠于通知的，视为标的物的数量或者质量符合约定（《中华人民共和国民法典》第六百二十一条）。"
     "出卖人主张货款的，应当提供合同、送货单、对账单等证明交付和欠款数额。"},
    {"C19", "劳动争议须先经劳动争议仲裁",
     "劳动争议应当先向劳动争议仲裁委员会申请仲裁；对仲裁裁决不服的，除法律另有规定外，才可以向人民法院提起诉讼"
     "（《中华人民共和国劳动争议调解仲裁法》第五条）。未经仲裁直接起诉的，人民法院不予受理。申请劳动争议仲裁的时效期间为一年，"
     "从当事人知道或者应当知道其权利被侵害之日起计算（同法第二十七条）。"},
    {"C02", "婚姻家庭纠纷调解优先",
     "人民法院审理离婚案件，应当进行调解（《中华人民共和国民法典》第一千零七十九条），家事纠纷以调解为优先。"
     "三十日的离婚冷静期适用于到婚姻登记机关申请的协议离婚（民法典第一千零七十七条），不适用于诉讼离婚。"
     "判决不准离婚的案件，没有新情况、新理由，原告在六个月内又起诉的，人民法院不予受理。"
     "涉及子女抚养、财产分割的，应当就子女生活状况、共同财产的范围和价值提供证据。"},
    {"411", "机动车交通事故：保险公司参加诉讼",
     "机动车发生交通事故造成损害，属于该机动车一方责任的，先由承保机动车强制保险的保险人在强制保险责任限额范围内赔偿；"
     "不足部分，由承保机动车商业保险的保险人按照保险合同的约定赔偿；仍然不足或者没有投保机动车商业保险的，由侵权人赔偿"
     "（《中华人民共和国民法典》第一千二百一十三条）。起诉时宜将承保交强险、商业三者险的保险公司列为当事人，"
     "并提供事故认定书、医疗费票据、误工和护理证明等损失证据。"},
    {"126", "物业服务费的支付与服务质量",
     "业主应当按照约定向物业服务人支付物业费。物业服务人已经按照约定和有关规定提供服务的，业主不得以未接受或者无需接受相关物业服务"
     "为由拒绝支付物业费（《中华人民共和国民法典》第九百四十四条）。业主认为服务质量不符合约定的，应当提供相应证据。"},
    {"116.2", "房屋租赁的期限与所有权变动",
     "租赁期限不得超过二十年，超过部分无效（《中华人民共和国民法典》第七百零五条）。租赁物在承租人按照租赁合同占有期限内发生所有权变动的，"
     "不影响租赁合同的效力（民法典第七百二十五条）。主张欠付租金、押金返还或者解除合同的，应当提供租赁合同、付款记录和交接房屋的证据。"},
};

static bool seen(const struct yz_notice_risk **out, size_t n, const struct yz_notice_risk *r)
{
    for (size_t i = 0; i < n; i++)
        if (out[i] == r)
            return true;
    return false;
}

/* Adds the rows keyed at c or above it, most specific first. */
static size_t collect(const struct yz_cause *c, const struct yz_notice_risk **out, size_t n,
                      size_t max)
{
    for (; c && n < max; c = c->parent)
        for (size_t i = 0; i < sizeof risks / sizeof risks[0] && n < max; i++)
            if (strcmp(risks[i].code, c->code) == 0 && !seen(out, n, &risks[i]))
                out[n++] = &risks[i];
    return n;
}

size_t yz_notice_cause_risks(const struct yz_catalog *cat, const struct yz_cause *cause,
                             const struct yz_notice_risk **out, size_t max)
{
    if (!cat || !cause)
        return 0;
    if (cause->revision == YZ_CAUSE_REV_2025)
        return collect(cause, out, 0, max);
    /* 2020: read through its 2025 successors; a part has none, so its own
     * name decides nothing and only the general risks apply. */
    const struct yz_cause *to[YZ_CATALOG_MAX_LINK_TARGETS];
    size_t nto = yz_catalog_counterparts(cause, to, YZ_CATALOG_MAX_LINK_TARGETS);
    if (nto > YZ_CATALOG_MAX_LINK_TARGETS)
        nto = YZ_CATALOG_MAX_LINK_TARGETS;
    size_t n = 0;
    for (size_t i = 0; i < nto; i++)
        n = collect(to[i], out, n, max);
    return n;
}

void yz_notice_format_yuan(int64_t fen, char *out, size_t size)
{
    /* Negate in unsigned arithmetic so INT64_MIN cannot overflow. */
    uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(out, size, "%s%" PRIu64 ".%02" PRIu64, fen < 0 ? "-" : "", u / 100, u % 100);
}

/* ---- helpers over the matter JSON ---- */

static const char *str_at(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The names of the parties with this role, joined with "、"; "" when none. */
static void party_names(const json_t *application, const char *role, char *out, size_t size)
{
    struct yz_buf b = YZ_BUF_INIT(size > 0 ? size - 1 : 0);
    const json_t *parties = json_object_get(application, "parties");
    size_t i;
    const json_t *p;
    json_array_foreach(parties, i, p)
    {
        const char *r = str_at(p, "role", NULL);
        const char *name = str_at(p, "name", NULL);
        if (!r || !name || strcmp(r, role) != 0)
            continue;
        if (b.len > 0)
            yz_buf_adds(&b, "、");
        yz_buf_adds(&b, name);
    }
    yz_strlcpy(out, b.data, size);
    yz_buf_release(&b);
}

struct facts {
    const char *court;  /* "" when unknown */
    const char *number; /* "" when none yet */
    const char *cause;  /* "" when unknown */
    const json_t *application;
    char applicants[NAMES_MAX_BYTES];
    char respondents[NAMES_MAX_BYTES];
    char today[64];
};

static enum yz_err read_facts(const json_t *matter, struct facts *f, struct yz_buf *err)
{
    const json_t *data = json_object_get(matter, "data");
    f->application = json_object_get(data, "application");
    if (!json_is_object(f->application)) {
        yz_buf_adds(err, "该事项没有纠纷情况，无法生成告知书");
        return YZ_ERR_INVALID_TRANSITION;
    }
    f->court = str_at(matter, "court", "name");
    f->number = str_at(data, "number", NULL);
    f->cause = str_at(f->application, "cause_name", NULL);
    if (!f->court)
        f->court = "";
    if (!f->number)
        f->number = "";
    if (!f->cause)
        f->cause = "";
    party_names(f->application, "plaintiff", f->applicants, sizeof f->applicants);
    party_names(f->application, "defendant", f->respondents, sizeof f->respondents);
    if (!f->applicants[0])
        yz_strlcpy(f->applicants, "当事人", sizeof f->applicants);
    struct yz_date d = yz_date_of_shanghai(yz_time_now_ms());
    snprintf(f->today, sizeof f->today, "%d年%d月%d日", d.year, d.month, d.day);
    return YZ_OK;
}

static void opening(struct yz_buf *b, const struct facts *f)
{
    yz_buf_addf(b, "%s：\n", f->applicants);
}

static void about(struct yz_buf *b, const struct facts *f)
{
    if (f->respondents[0])
        yz_buf_addf(b, "您与%s之间的", f->respondents);
    else
        yz_buf_adds(b, "您的");
    yz_buf_addf(b, "%s", f->cause[0] ? f->cause : "民事纠纷");
    if (f->number[0])
        yz_buf_addf(b, "（诉前调解编号：%s）", f->number);
}

static void closing(struct yz_buf *b, const struct facts *f)
{
    yz_buf_addf(b, "\n%s\n%s\n", f->court, f->today);
}

/* ---- 多元解纷告知书 ---- */

/* RULE: notice-dispute-resolution — CPL art. 125, 特邀调解规定, 在线调解规则 art. 24,
 * 诉讼费用交纳办法 arts 8(1) and 15, CPL art. 205. */
static void dispute_resolution(struct yz_buf *b, const struct facts *f)
{
    opening(b, f);
    yz_buf_adds(b, "　　");
    about(b, f);
    yz_buf_addf(b, "已向%s申请诉前调解。为便于您选择适合的方式化解纠纷，根据《中华人民共和国民事诉讼法》、"
                   "《最高人民法院关于人民法院特邀调解的规定》和《人民法院在线调解规则》，现将有关事项告知如下：\n",
                f->court[0] ? f->court : "人民法院");
    yz_buf_adds(b,
                "一、化解纠纷的多种途径。除向人民法院起诉外，您可以选择以下方式解决纠纷：\n"
                "（一）和解：与对方当事人自行协商解决；\n"
                "（二）人民调解：向人民调解委员会申请调解，不收取费用；\n"
                "（三）行业调解：向相关行业协会、商会等行业性、专业性调解组织申请调解；\n"
                "（四）律师调解：向律师调解工作室或者律师调解中心申请调解；\n"
                "（五）诉前调解：由人民法院委派特邀调解组织或者特邀调解员进行调解；\n"
                "（六）仲裁：双方订有仲裁协议的，向约定的仲裁机构申请仲裁；\n"
                "（七）行政裁决：法律规定由行政机关裁决的特定民事纠纷，可以申请行政裁决。\n");
    yz_buf_adds(b,
                "二、诉前调解。当事人起诉到人民法院的民事纠纷，适宜调解的，先行调解，但当事人拒绝调解的除外"
                "（《中华人民共和国民事诉讼法》第一百二十五条）。人民法院可以委派特邀调解组织或者特邀调解员进行调解"
                "（《最高人民法院关于人民法院特邀调解的规定》）。诉前调解的期限为三十日，自调解组织或者调解员签收之日起计算，"
                "经各方当事人同意可以延长（《人民法院在线调解规则》第二十四条）。诉前调解不收取任何费用。\n"
                "　　您有权拒绝诉前调解。拒绝调解不需要支付任何费用，也不影响您依法起诉，人民法院将依法登记立案。"
                "调解不成的，调解员可以记录双方无争议的事实，纠纷转入立案程序。\n");
    yz_buf_adds(b, "三、诉讼费用上的优惠。案件以调解方式结案的，减半交纳案件受理费（《诉讼费用交纳办法》第十五条）；"
                   "纠纷在诉前调解阶段化解的，无需交纳案件受理费。\n");
    yz_buf_adds(b, "四、司法确认。经调解达成调解协议的，双方当事人可以自调解协议生效之日起三十日内，共同向人民法院申请司法确认"
                   "（《中华人民共和国民事诉讼法》第二百零五条）。申请司法确认不交纳费用（《诉讼费用交纳办法》第八条第一项）。"
                   "调解协议经人民法院确认有效后，一方拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。\n");
    if (f->number[0])
        yz_buf_addf(b, "五、请您妥善保管本告知书，凭诉前调解编号%s查询调解进度。\n", f->number);
    closing(b, f);
}

/* ---- 诉讼费用减半告知书 ---- */

static bool settled_state(const char *state)
{
    static const char *const ok[] = {"settled", "performed", "confirmation_applied"};
    for (size_t i = 0; state && i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(state, ok[i]) == 0)
            return true;
    return false;
}

static void money(const struct yz_fee_quote *q, char *out, size_t size)
{
    char a[32], b[32];
    if (q->range) {
        yz_notice_format_yuan(q->min_fen, a, sizeof a);
        yz_notice_format_yuan(q->max_fen, b, sizeof b);
        snprintf(out, size, "%s元至%s元（具体数额按本省规定的标准确定）", a, b);
    } else {
        yz_notice_format_yuan(q->fee_fen, a, sizeof a);
        snprintf(out, size, "%s元", a);
    }
}

/* RULE: notice-fee-reduction — 诉讼费用交纳办法 arts 13 and 15. */
static enum yz_err fee_reduction(const struct yz_app *app, const json_t *matter, struct yz_buf *b,
                                 const struct facts *f, struct yz_buf *err)
{
    const char *kind = str_at(matter, "kind", NULL);
    if (!kind || strcmp(kind, "mediation") != 0 || !settled_state(str_at(matter, "state", NULL))) {
        yz_buf_adds(err, "纠纷经调解达成协议后，才能生成诉讼费用减半告知书");
        return YZ_ERR_INVALID_TRANSITION;
    }
    const json_t *amount = json_object_get(f->application, "amount_fen");
    struct yz_fee_request req = {.kind = YZ_FEE_OTHER_NON_PROPERTY,
                                 .procedure = YZ_FEE_PROC_ORDINARY,
                                 .closed_by = YZ_FEE_CLOSED_NONE};
    if (json_is_integer(amount) && json_integer_value(amount) > 0) {
        req.kind = YZ_FEE_PROPERTY;
        req.has_amount = true;
        req.amount_fen = json_integer_value(amount);
    }
    struct yz_fee_quote full, half;
    struct yz_field_errors fe = {0};
    enum yz_err e = yz_fee_quote(&req, &app->fee_settings, &full, &fe);
    if (e == YZ_OK) {
        req.closed_by = YZ_FEE_CLOSED_MEDIATION;
        e = yz_fee_quote(&req, &app->fee_settings, &half, &fe);
    }
    if (e != YZ_OK) {
        yz_buf_adds(err, "诉讼费用无法计算，请联系法院");
        return YZ_ERR_INTERNAL;
    }
    char full_s[160], half_s[160], claim[32];
    money(&full, full_s, sizeof full_s);
    money(&half, half_s, sizeof half_s);

    opening(b, f);
    yz_buf_adds(b, "　　");
    about(b, f);
    yz_buf_adds(b, "已经调解达成协议。现将诉讼费用有关事项告知如下：\n");
    yz_buf_adds(b, "一、诉前调解不收取任何费用，本次调解您无需交纳费用。\n");
    if (req.has_amount) {
        yz_notice_format_yuan(req.amount_fen, claim, sizeof claim);
        yz_buf_addf(b, "二、如就同一请求（请求金额%s元）向人民法院提起诉讼，按照财产案件的标准"
                       "（《诉讼费用交纳办法》第十三条第一项），应交纳案件受理费%s。\n",
                    claim, full_s);
    } else {
        yz_buf_addf(b, "二、如就同一请求向人民法院提起诉讼，按照非财产案件的标准"
                       "（《诉讼费用交纳办法》第十三条第二项），应交纳案件受理费%s。\n",
                    full_s);
    }
    yz_buf_addf(b, "三、在诉讼中以调解方式结案的，减半交纳案件受理费（《诉讼费用交纳办法》第十五条），即%s。\n",
                half_s);
    yz_buf_adds(b, "四、本纠纷在诉前调解阶段即已化解，上述案件受理费均无需交纳。就调解协议申请司法确认的，"
                   "也不交纳费用（《诉讼费用交纳办法》第八条第一项）。\n");
    closing(b, f);
    return YZ_OK;
}

/* ---- 诉讼风险提示书 ---- */

static const char *const ordinals[] = {"一", "二", "三", "四", "五", "六", "七", "八",
                                       "九", "十", "十一", "十二", "十三", "十四", "十五"};

/* RULE: notice-litigation-risk — general risks every party faces. */
static const struct {
    const char *title;
    const char *text;
} general[] = {
    {"举证不能",
     "当事人对自己提出的诉讼请求所依据的事实或者反驳对方诉讼请求所依据的事实，应当提供证据加以证明；"
     "未能提供证据或者证据不足以证明其事实主张的，由负有举证证明责任的当事人承担不利的后果"
     "（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第九十条）。"},
    {"超过诉讼时效",
     "向人民法院请求保护民事权利的诉讼时效期间为三年，法律另有规定的除外（《中华人民共和国民法典》第一百八十八条）。"
     "超过诉讼时效期间，对方提出时效抗辩的，您的请求可能得不到支持。"},
    {"诉讼请求不当",
     "诉讼请求应当明确、具体，并有事实和法律依据。请求过高或者缺乏依据的部分得不到支持，还可能由您负担相应的诉讼费用；"
     "遗漏的请求可能需要另行起诉。"},
    {"逾期交纳诉讼费用",
     "原告应当自接到人民法院交纳诉讼费用通知次日起七日内交纳案件受理费（《诉讼费用交纳办法》第二十二条）；"
     "通知后仍不预交，或者申请减、缓、免未获批准而仍不预交的，人民法院裁定按撤诉处理"
     "（《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第二百一十三条）。"},
    {"申请执行期限",
     "生效法律文书确定的义务人不履行义务的，权利人应当在法定的二年期间内向人民法院申请执行，"
     "从法律文书规定履行期间的最后一日起计算；逾期申请的，可能丧失通过强制执行实现权利的机会。"},
    {"虚假诉讼的法律责任",
     "以捏造的事实提起民事诉讼，妨害司法秩序或者严重侵害他人合法权益的，人民法院将依法驳回请求，并予以罚款、拘留；"
     "构成犯罪的，依法追究刑事责任（《中华人民共和国刑法》第三百零七条之一）。"},
};

static void litigation_risk(const struct yz_app *app, struct yz_buf *b, const struct facts *f)
{
    const struct yz_cause *cause = NULL;
    const json_t *rev = json_object_get(f->application, "cause_revision");
    const char *code = str_at(f->application, "cause_code", NULL);
    if (app->catalog && code && json_is_integer(rev))
        cause = yz_catalog_cause(app->catalog, code, (enum yz_cause_rev)json_integer_value(rev));
    const struct yz_notice_risk *found[YZ_NOTICE_MAX_RISKS];
    size_t n = yz_notice_cause_risks(app->catalog, cause, found, YZ_NOTICE_MAX_RISKS);

    opening(b, f);
    yz_buf_adds(b, "　　为便于您了解诉讼风险、依法行使诉讼权利，现就");
    about(b, f);
    yz_buf_adds(b, "可能面临的诉讼风险提示如下。本提示书不代表人民法院对案件结果的判断。\n");
    yz_buf_adds(b, "一、一般诉讼风险\n");
    for (size_t i = 0; i < sizeof general / sizeof general[0]; i++)
        yz_buf_addf(b, "（%s）%s。%s\n", ordinals[i], general[i].title, general[i].text);
    yz_buf_adds(b, "二、与本案案由有关的风险\n");
    if (n == 0)
        yz_buf_adds(b, "　　本案案由暂无特别提示，请参照上述一般诉讼风险，必要时咨询律师或者诉讼服务中心。\n");
    for (size_t i = 0; i < n; i++)
        yz_buf_addf(b, "（%s）%s。%s\n", ordinals[i], found[i]->title, found[i]->text);
    closing(b, f);
}

/* ---- 行政裁决引导 ---- */

/* RULE: administrative-route — disputes the law gives to administrative adjudication
 * (e.g. land, forest and grassland ownership; some IP and government-procurement
 * disputes) are routed to the competent authority with a notice to the party and a
 * letter to the authority. */
static enum yz_err administrative(const json_t *matter, struct yz_buf *b, const struct facts *f,
                                  struct yz_buf *err)
{
    const json_t *data = json_object_get(matter, "data");
    const char *kind = str_at(matter, "kind", NULL);
    const char *reason = json_string_value(json_object_get(data, "reason"));
    const char *authority = json_string_value(json_object_get(data, "authority"));
    if (!kind || strcmp(kind, "mediation") != 0 || !reason ||
        strcmp(reason, "administrative_route") != 0 || !authority || !*authority) {
        yz_buf_adds(err, "调解以“适宜行政裁决”终结并填写主管行政机关后，才能生成行政裁决引导告知书");
        return YZ_ERR_INVALID_TRANSITION;
    }
    opening(b, f);
    yz_buf_adds(b, "　　");
    about(b, f);
    yz_buf_addf(b, "经审查，属于依法可以由行政机关裁决的纠纷。本院诉前调解已终结。您可以向%s申请行政裁决；"
                   "对行政裁决不服的，可以依法提起行政诉讼。您也可以依法向人民法院提起诉讼。\n",
                authority);
    yz_buf_addf(b, "\n致%s：\n　　", authority);
    about(b, f);
    yz_buf_adds(b, "，当事人已向本院申请诉前调解。经审查，该纠纷适宜由贵机关依法裁决，本院已告知当事人向贵机关申请，"
                   "现将纠纷情况告知贵机关。\n");
    closing(b, f);
    return YZ_OK;
}

enum yz_err yz_notice_build(const struct yz_app *app, const json_t *matter,
                            enum yz_notice_kind kind, json_t **out, struct yz_buf *err)
{
    static const char *const titles[] = {"", "多元解纷告知书", "诉讼费用减半告知书", "诉讼风险提示书",
                                         "行政裁决引导告知书"};
    *out = NULL;
    if (kind <= YZ_NOTICE_NONE || kind > YZ_NOTICE_ADMINISTRATIVE) {
        yz_buf_adds(err, "告知书类别不正确");
        return YZ_ERR_BAD_REQUEST;
    }
    struct facts f = {0};
    struct yz_buf b = YZ_BUF_INIT(NOTICE_MAX_BYTES);
    enum yz_err e = read_facts(matter, &f, err);
    if (e != YZ_OK)
        goto out;
    switch (kind) {
    case YZ_NOTICE_DISPUTE_RESOLUTION:
        dispute_resolution(&b, &f);
        break;
    case YZ_NOTICE_FEE_REDUCTION:
        e = fee_reduction(app, matter, &b, &f, err);
        break;
    case YZ_NOTICE_LITIGATION_RISK:
        litigation_risk(app, &b, &f);
        break;
    case YZ_NOTICE_ADMINISTRATIVE:
        e = administrative(matter, &b, &f, err);
        break;
    default:
        YZ_BUG("notice kind %d", (int)kind);
    }
    if (e == YZ_OK)
        *out = json_pack("{s:s, s:s, s:s}", "kind", yz_notice_kind_names[kind - 1], "title",
                         titles[kind], "text", b.data);
out:
    yz_buf_release(&b);
    return e;
}
