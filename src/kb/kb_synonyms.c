/* Colloquial words and the knowledge base's legal terms (kb_synonyms.h). */
#include "kb/kb_synonyms.h"

#include <string.h>

#include "core/banned.h"

/*
 * The table: a colloquial word and the terms the entries use for it, space
 * separated (spaces separate runs, so no bigram spans two terms). Written for
 * data/kb_lecoqa.jsonl and scored on tests/fixtures/kb_eval_colloquial.tsv;
 * each term is in the entries. Short words that are part of formal words are
 * left out (告 is in 被告 and 告知; 偷 alone in 偷拍).
 */
/* clang-format off */
static const struct {
    const char *word, *terms;
} table[] = {
    {"打官司", "诉讼 起诉"},
    {"告他", "起诉"},
    {"告她", "起诉"},
    {"去告", "起诉"},
    {"老赖", "失信被执行人"},
    {"老板", "用人单位"},
    {"炒鱿鱼", "辞退"},
    {"开除", "辞退"},
    {"跳槽", "辞职 劳动者"},
    {"老公", "配偶 夫妻"},
    {"老婆", "配偶 夫妻"},
    {"网贷", "网络借贷"},
    {"房东", "出租人"},
    {"租客", "承租人"},
    {"房客", "承租人"},
    {"家产", "遗产"},
    {"小孩", "未成年人"},
    {"约架", "打架"},
    {"撞车", "交通事故"},
    {"车祸", "交通事故"},
    {"赔钱", "赔偿"},
    {"坐牢", "判刑"},
    {"偷了", "盗窃"},
    {"偷东西", "盗窃"},
    {"欠钱", "借款 债务"},
    {"借钱", "借款"},
    {"医生", "医务人员 医疗"},
};
/* clang-format on */

size_t yz_kb_expand(const char *q, char *out, size_t size)
{
    size_t len = strlen(q);
    out[0] = '\0';
    if (len + 1 > size)
        return 0;
    memcpy(out, q, len);
    out[len] = '\0';
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t tl = strlen(table[i].terms);
        if (!strstr(q, table[i].word) || len + 1 + tl + 1 > size)
            continue;
        out[len++] = ' ';
        memcpy(out + len, table[i].terms, tl);
        len += tl;
        out[len] = '\0';
    }
    return len;
}
