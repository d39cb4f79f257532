#include "triage/wage.h"
#include "core/config.h"
#include "core/num.h"

#include <string.h>

#include "core/banned.h"

enum yz_err yz_wages_parse(const char *text, struct yz_wages *out, struct yz_buf *err)
{
    memset(out, 0, sizeof *out);
    const char *p = text ? text : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        if (len >= sizeof item || len < 12 || p[10] != ':') {
            yz_buf_addf(err, "“%.*s” 应为 生效日期:金额（分），如 2025-01-10:12800000",
                        (int)(len < 40 ? len : 40), p);
            return YZ_ERR_CONFIG;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        item[10] = '\0';
        struct yz_wage_entry e;
        if (!yz_date_parse(item, &e.from)) {
            yz_buf_addf(err, "“%s” 不是有效日期", item);
            return YZ_ERR_CONFIG;
        }
        if (!yz_parse_i64(item + 11, 1, YZ_WAGE_MAX_FEN, &e.fen)) {
            yz_buf_addf(err, "“%s” 应为 1..%lld 的整数（分）", item + 11,
                        (long long)YZ_WAGE_MAX_FEN);
            return YZ_ERR_CONFIG;
        }
        if (out->n == YZ_WAGE_MAX_ENTRIES) {
            yz_buf_addf(err, "最多 %d 项", YZ_WAGE_MAX_ENTRIES);
            return YZ_ERR_CONFIG;
        }
        if (out->n && yz_date_to_days(e.from) <= yz_date_to_days(out->e[out->n - 1].from)) {
            yz_buf_addf(err, "生效日期应按先后顺序排列且不重复（%s）", item);
            return YZ_ERR_CONFIG;
        }
        out->e[out->n++] = e;
        p += len;
        if (*p == ',' && !*++p) {
            yz_buf_adds(err, "末尾多了逗号");
            return YZ_ERR_CONFIG;
        }
    }
    return YZ_OK;
}

enum yz_err yz_wages_from_config(const struct yz_config *cfg, struct yz_wages *out,
                                 struct yz_buf *err)
{
    struct yz_buf why = YZ_BUF_INIT(512);
    enum yz_err e = yz_wages_parse(cfg->fees.average_wage, out, &why);
    if (e != YZ_OK)
        yz_buf_addf(err, "fees.average_wage: %s", why.data);
    yz_buf_release(&why);
    return e;
}

/* RULE: small-claims-wage-figure — the figure whose notice is in force on the day. */
bool yz_wages_at(const struct yz_wages *w, struct yz_date d, int64_t *fen)
{
    int64_t day = yz_date_to_days(d);
    for (int i = w->n - 1; i >= 0; i--)
        if (yz_date_to_days(w->e[i].from) <= day) {
            *fen = w->e[i].fen;
            return true;
        }
    return false;
}
