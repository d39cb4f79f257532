/*
 * Bulk filing: a table in, one application per row out. The rows are merged
 * with the template into the same JSON an online filing sends and checked by
 * the same code (yz_filing_prepare_application, path "a"), so a bulk filing
 * can never accept what an online one would refuse. The checker's paths are
 * then translated back to where the user has to look: the plaintiff, cause
 * and service address to "template/...", the defendant's members to the
 * table's columns "rows/<n>/<column>". A problem that lands on the template
 * is the same for every row, so it fails the upload rather than every row.
 *
 * Storing creates the matters through yz_matter_create in the caller's one
 * write transaction together with the batch row and its event: a crash leaves
 * all of it or none. The report keeps no personal data (codes, fixed
 * messages, matter ids), so it can be stored in clear and shown again.
 */
#include "filing/batch.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/utf8.h"
#include "fees/fees.h"
#include "filing/csv.h"
#include "filing/filing.h"
#include "matters/matters.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum col {
    C_NAME,
    C_KIND,
    C_CITIZEN_ID,
    C_CREDIT_CODE,
    C_PHONE,
    C_ADDRESS,
    C_AMOUNT,
    C_CLAIMS,
    C_FACTS,
    C__COUNT
};

static const struct column {
    const char *name;  /* in field paths */
    const char *title; /* in the report */
    const char *aliases[4];
} columns[C__COUNT] = {
    [C_NAME] = {"defendant_name",
                "被告姓名/名称",
                {"被告姓名", "被告名称", "被告姓名或名称", NULL}},
    [C_KIND] = {"defendant_kind", "被告类型", {"被告主体类型", NULL}},
    [C_CITIZEN_ID] = {"defendant_citizen_id",
                      "被告身份证号",
                      {"被告公民身份号码", "被告身份证号码", NULL}},
    [C_CREDIT_CODE] = {"defendant_credit_code", "被告统一社会信用代码", {NULL}},
    [C_PHONE] = {"defendant_phone", "被告电话", {"被告联系电话", "被告手机号", NULL}},
    [C_ADDRESS] = {"defendant_address", "被告住址", {"被告住所", "被告地址", NULL}},
    [C_AMOUNT] = {"amount_yuan", "标的额（元）", {"标的额(元)", "标的额", NULL}},
    [C_CLAIMS] = {"claims", "诉讼请求", {NULL}},
    [C_FACTS] = {"facts", "事实与理由", {"事实和理由", NULL}},
};

/* The defendant's members in the application, and the column each comes from. */
static const struct {
    const char *key;
    enum col col;
} defendant_members[] = {
    {"name", C_NAME},
    {"kind", C_KIND},
    {"citizen_id", C_CITIZEN_ID},
    {"credit_code", C_CREDIT_CODE},
    {"phone", C_PHONE},
    {"address", C_ADDRESS},
};

/* What the template may hold: the application minus what differs per row. */
static const char *const template_keys[] = {
    "cause_code", "cause_name",      "cause_revision", "case_type",   "fee_kind", "plaintiff",
    "agents",     "service_address", "evidence",       "attachments", "claims",   "facts",
    NULL};

#define MATTER_TITLE_MAX 200  /* code points, as for matters created over the API */
#define TEMPLATE_FILES_MAX 20 /* distinct uploads the template may name (a row each per matter) */

/* Where an application names uploads: array member, and the id's key in each item. */
static const struct {
    const char *array, *key;
} file_refs[] = {
    {"attachments", "id"}, {"evidence", "attachment"}, {"agents", "power_of_attorney"}};

/* The distinct upload ids the template names, with the path of the first mention. */
struct template_files {
    int64_t id[TEMPLATE_FILES_MAX];
    char path[TEMPLATE_FILES_MAX][64];
    size_t n;
    bool too_many;
};

static void template_files(const json_t *tmpl, struct template_files *f)
{
    memset(f, 0, sizeof *f);
    for (size_t r = 0; r < sizeof file_refs / sizeof file_refs[0]; r++) {
        size_t i;
        const json_t *item;
        json_array_foreach(json_object_get(tmpl, file_refs[r].array), i, item)
        {
            const json_t *v = json_object_get(item, file_refs[r].key);
            if (!json_is_integer(v))
                continue;
            size_t k = 0;
            while (k < f->n && f->id[k] != json_integer_value(v))
                k++;
            if (k < f->n)
                continue;
            if (f->n == TEMPLATE_FILES_MAX) {
                f->too_many = true;
                return;
            }
            f->id[f->n] = json_integer_value(v);
            snprintf(f->path[f->n], sizeof f->path[f->n], "template/%s/%zu/%s", file_refs[r].array,
                     i, file_refs[r].key);
            f->n++;
        }
    }
}

struct row {
    size_t n, line;
    json_t *application; /* accepted: the input handed to yz_matter_create */
    char *title;         /* accepted: the matter's title */
    json_t *errors;      /* rejected: [{field, code, message}] */
    int omitted;         /* rejected: errors past the cap */
};

struct yz_batch {
    int64_t court_id;
    char *title;
    char sha256[65];
    struct template_files files;
    struct row *rows;
    size_t count, accepted;
};

size_t yz_batch_rows(const struct yz_batch *b)
{
    return b->count;
}

size_t yz_batch_accepted(const struct yz_batch *b)
{
    return b->accepted;
}

const char *yz_batch_sha256(const struct yz_batch *b)
{
    return b->sha256;
}

void yz_batch_free(struct yz_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->count; i++) {
        json_decref(b->rows[i].application);
        json_decref(b->rows[i].errors);
        free(b->rows[i].title);
    }
    free(b->rows);
    free(b->title);
    free(b);
}

/* ---- the content hash ---------------------------------------------------- */

static void hash_part(crypto_hash_sha256_state *s, const char *label, const char *p, size_t n)
{
    char head[64];
    int k = snprintf(head, sizeof head, "%s:%zu:", label, n);
    crypto_hash_sha256_update(s, (const unsigned char *)head, (unsigned long long)k);
    crypto_hash_sha256_update(s, (const unsigned char *)p, n);
}

/* SHA-256 over length-prefixed parts, so no two requests share an encoding;
 * the template as canonical JSON (sorted keys), so member order is irrelevant. */
static bool content_hash(const struct yz_batch_input *in, char out[65])
{
    char *tmpl = yz_json_dumps_sorted(in->tmpl);
    if (!tmpl)
        return false;
    char court[24];
    snprintf(court, sizeof court, "%lld", (long long)in->court_id);
    crypto_hash_sha256_state s;
    crypto_hash_sha256_init(&s);
    hash_part(&s, "yizhan-filing-batch/1", "", 0);
    hash_part(&s, "court", court, strlen(court));
    hash_part(&s, "template", tmpl, strlen(tmpl));
    hash_part(&s, "csv", in->csv, in->csv_len);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&s, h);
    sodium_bin2hex(out, 65, h, sizeof h);
    free(tmpl);
    return true;
}

/* ---- the header and the cells ----------------------------------------------- */

static void trim(const char **p, size_t *n)
{
    while (*n && (**p == ' ' || **p == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
        (*n)--;
}

static bool header_is(const struct column *c, const char *h, size_t n)
{
    if (strlen(c->name) == n && strncasecmp(c->name, h, n) == 0)
        return true;
    if (strlen(c->title) == n && memcmp(c->title, h, n) == 0)
        return true;
    for (const char *const *a = c->aliases; *a; a++)
        if (strlen(*a) == n && memcmp(*a, h, n) == 0)
            return true;
    return false;
}

/* At most max code points of s (valid UTF-8), for quoting user text in messages. */
static int prefix_bytes(const char *s, size_t n, size_t max)
{
    size_t i = 0, cps = 0;
    while (i < n && cps < max) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cps++;
    }
    return (int)i;
}

/* Fills field_of[col] with the header field of each column (-1 when absent). */
static void map_header(const struct yz_csv_record *h, int field_of[C__COUNT],
                       struct yz_field_errors *fe)
{
    int before = fe->count + fe->dropped;
    for (int c = 0; c < C__COUNT; c++)
        field_of[c] = -1;
    for (size_t i = 0; i < h->count; i++) {
        const char *p = h->fields[i].p;
        size_t n = h->fields[i].n;
        trim(&p, &n);
        if (n == 0)
            continue; /* an unnamed column must stay empty: see unnamed_columns_empty */
        int found = -1;
        for (int c = 0; c < C__COUNT && found < 0; c++)
            if (header_is(&columns[c], p, n))
                found = c;
        if (found < 0)
            yz_field_errors_add(
                fe, "csv", "unknown_column",
                "表头第 %zu 列“%.*s”不是可识别的列名（如：被告姓名/名称、被告身份证号、"
                "标的额（元）、诉讼请求）",
                i + 1, prefix_bytes(p, n, 20), p);
        else if (field_of[found] >= 0)
            yz_field_errors_add(fe, "csv", "duplicate_column", "表头第 %zu 列与第 %d 列重复（%s）",
                                i + 1, field_of[found] + 1, columns[found].title);
        else
            field_of[found] = (int)i;
    }
    if (field_of[C_NAME] < 0 && fe->count + fe->dropped == before)
        yz_field_errors_add(fe, "csv", "missing_column", "表格缺少“%s”列", columns[C_NAME].title);
}

/* The trimmed cell of column c, or NULL when the column is absent or the cell empty. */
static const char *cell(const struct yz_csv_record *r, const int field_of[C__COUNT], enum col c,
                        size_t *n)
{
    if (field_of[c] < 0)
        return NULL;
    const char *p = r->fields[field_of[c]].p;
    *n = r->fields[field_of[c]].n;
    trim(&p, n);
    return *n ? p : NULL;
}

static bool all_empty(const struct yz_csv_record *r)
{
    for (size_t i = 0; i < r->count; i++) {
        const char *p = r->fields[i].p;
        size_t n = r->fields[i].n;
        trim(&p, &n);
        if (n)
            return false;
    }
    return true;
}

/* ---- the template ------------------------------------------------------------ */

static bool template_key(const char *k)
{
    for (const char *const *q = template_keys; *q; q++)
        if (strcmp(*q, k) == 0)
            return true;
    return false;
}

/* The template's shape; false when no row can be built from it. Its values
 * are checked with the rows, by the application's own checker. */
static bool check_template(const json_t *t, struct yz_field_errors *fe)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)t, k, v)
    {
        if (!template_key(k)) {
            char path[96];
            snprintf(path, sizeof path, "template/%.60s", k);
            yz_field_errors_add(
                fe, path, "unknown_field",
                "起诉状模板不支持该字段（被告、标的额等每件不同的内容请填在表格中）");
        }
    }
    struct template_files files;
    template_files(t, &files);
    if (files.too_many)
        yz_field_errors_add(fe, "template", "too_many_files",
                            "批量立案模板最多引用 %d 个不同的材料文件", TEMPLATE_FILES_MAX);
    const json_t *p = json_object_get(t, "plaintiff");
    if (!p || json_is_null(p)) {
        yz_field_errors_add(fe, "template/plaintiff", "required", "请在模板中填写原告");
        return false;
    }
    if (!json_is_object(p)) {
        yz_field_errors_add(fe, "template/plaintiff", "wrong_type", "原告应为对象");
        return false;
    }
    const json_t *role = json_object_get(p, "role");
    if (role && !(json_is_string(role) && strcmp(json_string_value(role), "plaintiff") == 0))
        yz_field_errors_add(fe, "template/plaintiff/role", "not_allowed",
                            "模板中的当事人应为原告（被告请填在表格中）");
    return true;
}

/* ---- one row --------------------------------------------------------------- */

struct row_source {
    bool claims_from_row, facts_from_row;
};

static void add_row_error(struct yz_field_errors *fe, size_t n, const char *column,
                          const char *code, const char *message)
{
    char path[96];
    snprintf(path, sizeof path, "rows/%zu/%s", n, column);
    yz_field_errors_add(fe, path, code, "%s", message);
}

static const char *kind_value(const char *s, size_t n)
{
    static const struct {
        const char *alias, *kind;
    } kinds[] = {
        {"自然人", "natural"}, {"法人", "legal"}, {"非法人组织", "other"}, {"其他组织", "other"}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].alias) == n && memcmp(kinds[i].alias, s, n) == 0)
            return kinds[i].kind;
    return NULL;
}

/* The application of data row n: the template with the row's defendant,
 * amount, claims and facts. Problems only a row can have (the amount's form,
 * an ID number of the wrong kind of person) go straight to fe. */
static json_t *build_application(const json_t *tmpl, const struct yz_csv_record *r,
                                 const int field_of[C__COUNT], size_t n, struct row_source *src,
                                 struct yz_field_errors *fe)
{
    json_t *a = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)tmpl, k, v)
    {
        if (strcmp(k, "plaintiff") != 0 && strcmp(k, "claims") != 0 && strcmp(k, "facts") != 0 &&
            template_key(k))
            json_object_set(a, k, v);
    }
    json_t *plaintiff = json_deep_copy(json_object_get(tmpl, "plaintiff"));
    json_object_set_new(plaintiff, "role", json_string("plaintiff"));

    json_t *d = json_object();
    json_object_set_new(d, "role", json_string("defendant"));
    size_t len;
    const char *s = cell(r, field_of, C_KIND, &len);
    const char *kind = s ? kind_value(s, len) : "natural";
    /* An alias becomes its code; anything else goes as it is (the English
     * code, or a value the checker refuses as not_allowed). */
    json_object_set_new(d, "kind", kind ? json_string(kind) : json_stringn(s, len));
    kind = json_string_value(json_object_get(d, "kind"));
    for (size_t i = 0; i < sizeof defendant_members / sizeof defendant_members[0]; i++) {
        if (defendant_members[i].col == C_KIND)
            continue;
        if ((s = cell(r, field_of, defendant_members[i].col, &len)))
            json_object_set_new(d, defendant_members[i].key, json_stringn(s, len));
    }
    /* The application ignores the number that does not fit the person;
     * in a table it is a shifted column, so say so. */
    bool natural = kind && strcmp(kind, "natural") == 0;
    if (natural && json_object_get(d, "credit_code"))
        add_row_error(fe, n, columns[C_CREDIT_CODE].name, "not_applicable",
                      "自然人被告不填写统一社会信用代码（或请将被告类型填为法人、非法人组织）");
    if (kind && !natural && json_object_get(d, "citizen_id"))
        add_row_error(fe, n, columns[C_CITIZEN_ID].name, "not_applicable",
                      "法人或非法人组织被告不填写身份证号（或请将被告类型填为自然人）");
    json_object_set_new(a, "parties", json_pack("[o, o]", plaintiff, d));

    /* A cell, else the template's text; a problem is the row's unless it is
     * in the template's text (an empty cell without a default is the row's). */
    const json_t *dflt = json_object_get(tmpl, "claims");
    if ((s = cell(r, field_of, C_CLAIMS, &len)))
        json_object_set_new(a, "claims", json_stringn(s, len));
    else if (dflt)
        json_object_set(a, "claims", (json_t *)dflt);
    src->claims_from_row = s || (field_of[C_CLAIMS] >= 0 && !dflt);
    dflt = json_object_get(tmpl, "facts");
    if ((s = cell(r, field_of, C_FACTS, &len)))
        json_object_set_new(a, "facts", json_stringn(s, len));
    else if (dflt)
        json_object_set(a, "facts", (json_t *)dflt);
    src->facts_from_row = s || (field_of[C_FACTS] >= 0 && !dflt);

    if ((s = cell(r, field_of, C_AMOUNT, &len))) {
        char text[32];
        int64_t fen = 0;
        bool ok = len < sizeof text;
        if (ok) {
            memcpy(text, s, len);
            text[len] = '\0';
            ok = yz_fee_parse_yuan(text, &fen);
        }
        /* RULE: money-is-fen — the yuan text converted exactly, never through a double. */
        if (ok)
            json_object_set_new(a, "amount_fen", json_integer(fen));
        else
            add_row_error(fe, n, columns[C_AMOUNT].name, "invalid_amount",
                          "标的额应为不带符号的金额（元），最多两位小数，如 12345.67");
    }
    return a;
}

/* Translates a checker path ("a/...") to the upload's; true when it is the template's. */
static bool translate(const char *from, size_t n, const struct row_source *src, char *to,
                      size_t size, const char **column)
{
    *column = NULL;
    const char *p = strncmp(from, "a/", 2) == 0 ? from + 2 : from;
    if (strncmp(p, "parties/0", 9) == 0 && (p[9] == '\0' || p[9] == '/')) {
        snprintf(to, size, "template/plaintiff%s", p + 9);
        return true;
    }
    if (strncmp(p, "parties/1/", 10) == 0) {
        const char *key = p + 10;
        for (size_t i = 0; i < sizeof defendant_members / sizeof defendant_members[0]; i++)
            if (strcmp(key, defendant_members[i].key) == 0)
                *column = columns[defendant_members[i].col].name;
        snprintf(to, size, "rows/%zu/%s", n, *column ? *column : "defendant");
        return false;
    }
    if (strcmp(p, "parties") == 0 || strncmp(p, "parties/", 8) == 0) {
        snprintf(to, size, "rows/%zu/defendant", n);
        return false;
    }
    if (strcmp(p, "amount_fen") == 0) {
        *column = columns[C_AMOUNT].name;
        snprintf(to, size, "rows/%zu/%s", n, *column);
        return false;
    }
    if ((strcmp(p, "claims") == 0 && src->claims_from_row) ||
        (strcmp(p, "facts") == 0 && src->facts_from_row)) {
        *column = p[0] == 'c' ? columns[C_CLAIMS].name : columns[C_FACTS].name;
        snprintf(to, size, "rows/%zu/%s", n, *column);
        return false;
    }
    snprintf(to, size, "template/%s", p);
    return true;
}

static bool has_error(const struct yz_field_errors *fe, const char *field, const char *code)
{
    for (int i = 0; i < fe->count; i++)
        if (strcmp(fe->items[i].field, field) == 0 && strcmp(fe->items[i].code, code) == 0)
            return true;
    return false;
}

/* Sorts the row's problems: the template's into fe (once each), the row's into the row. */
static void file_errors(struct row *row, const struct yz_field_errors *rfe,
                        const struct row_source *src, struct yz_field_errors *fe)
{
    row->errors = json_array();
    row->omitted = rfe->dropped;
    for (int i = 0; i < rfe->count; i++) {
        const struct yz_field_error *f = &rfe->items[i];
        char path[128];
        const char *column = NULL;
        const char *message = f->message;
        if (strncmp(f->field, "rows/", 5) == 0) {
            yz_strlcpy(path, f->field, sizeof path); /* ours, already final */
        } else if (translate(f->field, row->n, src, path, sizeof path, &column)) {
            if (!has_error(fe, path, f->code))
                yz_field_errors_add(fe, path, f->code, "%s", f->message);
            continue;
        } else if (column && strcmp(column, columns[C_AMOUNT].name) == 0) {
            message = "标的额应在 0 到 1 万亿元之间"; /* the checker speaks of fen */
        }
        json_array_append_new(row->errors, json_pack("{s:s, s:s, s:s}", "field", path, "code",
                                                     f->code, "message", message));
    }
}

/* "原告诉被告案由", at most MATTER_TITLE_MAX code points. */
static char *matter_title(const json_t *prepared)
{
    const json_t *parties = json_object_get(prepared, "parties");
    const char *plaintiff = json_string_value(json_object_get(json_array_get(parties, 0), "name"));
    const char *defendant = json_string_value(json_object_get(json_array_get(parties, 1), "name"));
    const char *cause = json_string_value(json_object_get(prepared, "cause_name"));
    struct yz_buf b = YZ_BUF_INIT(4096);
    yz_buf_addf(&b, "%s诉%s%s", plaintiff ? plaintiff : "", defendant ? defendant : "",
                cause ? cause : "");
    size_t len;
    char *t = yz_buf_detach(&b, &len);
    t[prefix_bytes(t, len, MATTER_TITLE_MAX)] = '\0';
    return t;
}

static const struct yz_csv_limits csv_limits = {
    .max_field_bytes = YZ_BATCH_MAX_FIELD_BYTES,
    .max_columns = YZ_BATCH_MAX_COLUMNS,
    .max_records = YZ_BATCH_MAX_ROWS + 1,
};

/* Data under a header cell left empty would be dropped without a word: refuse it. */
static bool unnamed_columns_empty(const struct yz_csv *t, struct yz_field_errors *fe)
{
    const struct yz_csv_record *h = &t->records[0];
    for (size_t c = 0; c < h->count; c++) {
        const char *p = h->fields[c].p;
        size_t n = h->fields[c].n;
        trim(&p, &n);
        if (n)
            continue;
        for (size_t i = 1; i < t->count; i++) {
            p = t->records[i].fields[c].p;
            n = t->records[i].fields[c].n;
            trim(&p, &n);
            if (n) {
                yz_field_errors_add(
                    fe, "csv", "unnamed_column",
                    "表头第 %zu 列为空，但第 %zu 行该列有内容：请填写列名或删除该列", c + 1,
                    t->records[i].line);
                return false;
            }
        }
    }
    return true;
}

static bool has_replacement_character(const char *p, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++)
        if (p[i] == '\xEF' && p[i + 1] == '\xBF' && p[i + 2] == '\xBD')
            return true;
    return false;
}

/* Reads the table; false with the problem in fe. */
static bool read_table(const struct yz_batch_input *in, struct yz_csv *t, int field_of[C__COUNT],
                       struct yz_field_errors *fe)
{
    if (in->csv_len > YZ_BATCH_MAX_CSV_BYTES) {
        yz_field_errors_add(fe, "csv", "too_large", "表格不能超过 1 MiB（%d 字节），请分批上传",
                            YZ_BATCH_MAX_CSV_BYTES);
        return false;
    }
    struct yz_csv_error err;
    if (yz_csv_parse(in->csv, in->csv_len, &csv_limits, t, &err) != YZ_OK) {
        if (strcmp(err.code, "csv_too_many_records") == 0)
            yz_field_errors_add(fe, "csv", "too_many_rows",
                                "一次最多上传 %d 行数据（不含表头），请分批上传",
                                YZ_BATCH_MAX_ROWS);
        else
            yz_field_errors_add(fe, "csv", err.code, "%s", err.message);
        return false;
    }
    /* A file in GBK read by a browser as UTF-8 arrives full of U+FFFD: names
     * and addresses would be filed as garbage. */
    if (has_replacement_character(in->csv, in->csv_len)) {
        yz_field_errors_add(
            fe, "csv", "replacement_character",
            "表格中有无法识别的字符（�），文件可能不是 UTF-8 编码：请在 Excel 中另存为"
            "“CSV UTF-8（逗号分隔）”后重新上传");
        return false;
    }
    if (t->count == 0) {
        yz_field_errors_add(fe, "csv", "empty", "表格为空：第一行应为表头，其后每行一件起诉");
        return false;
    }
    int before = fe->count + fe->dropped;
    map_header(&t->records[0], field_of, fe);
    if (fe->count + fe->dropped > before || !unnamed_columns_empty(t, fe))
        return false;
    bool any = false;
    for (size_t i = 1; i < t->count && !any; i++)
        any = !all_empty(&t->records[i]);
    if (!any) {
        yz_field_errors_add(fe, "csv", "no_rows", "表格只有表头，没有数据行");
        return false;
    }
    return true;
}

enum yz_err yz_batch_prepare(struct yz_app *app, const struct yz_batch_input *in,
                             struct yz_batch **out, struct yz_field_errors *fe)
{
    *out = NULL;
    struct yz_csv t = {0};
    struct yz_batch *b = NULL;
    int field_of[C__COUNT];
    enum yz_err e = YZ_ERR_VALIDATION;
    int before = fe->count + fe->dropped;
    /* Everything wrong is reported at once: court, template shape, and the
     * template's values as the rows' checks find them; only a table that
     * cannot be read or a template without a plaintiff stop early. */
    if (!yz_courts_find(&app->courts, in->court_id))
        yz_field_errors_add(fe, "court_id", "not_found", "法院不存在");
    bool buildable = check_template(in->tmpl, fe);
    if (!read_table(in, &t, field_of, fe) || !buildable)
        goto out;

    b = yz_calloc(1, sizeof *b);
    b->court_id = in->court_id;
    template_files(in->tmpl, &b->files);
    b->title = yz_strdup(in->title);
    if (!content_hash(in, b->sha256)) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    b->rows = yz_calloc(t.count, sizeof *b->rows);
    for (size_t i = 1; i < t.count; i++) {
        const struct yz_csv_record *r = &t.records[i];
        if (all_empty(r))
            continue;
        struct row *row = &b->rows[b->count++];
        row->n = b->count;
        row->line = r->line;
        struct yz_field_errors rfe = {0};
        struct row_source src;
        json_t *a = build_application(in->tmpl, r, field_of, row->n, &src, &rfe);
        json_t *prepared = NULL;
        enum yz_err pe = yz_filing_prepare_application(app, a, "a", &prepared, &rfe);
        if (pe != YZ_OK && pe != YZ_ERR_VALIDATION) {
            json_decref(a);
            e = pe;
            goto out;
        }
        if (pe == YZ_OK && rfe.count + rfe.dropped == 0) {
            row->application = a;
            row->title = matter_title(prepared);
            b->accepted++;
        } else {
            json_decref(a);
            file_errors(row, &rfe, &src, fe);
        }
        json_decref(prepared);
    }
    if (fe->count + fe->dropped > before)
        goto out; /* the court or template is wrong: every row would say so */
    *out = b;
    b = NULL;
    e = YZ_OK;
out:
    yz_batch_free(b);
    yz_csv_release(&t);
    return e;
}

/* ---- storing and reading ------------------------------------------------------- */

static struct yz_sql_def q_find =
    YZ_SQL("SELECT id, court_id, title, created_at, row_count, accepted, rejected, report"
           " FROM filing_batches WHERE user_id = ? AND sha256 = ?");
static struct yz_sql_def q_get =
    YZ_SQL("SELECT id, court_id, title, created_at, row_count, accepted, rejected, report, user_id"
           " FROM filing_batches WHERE id = ?");
static struct yz_sql_def q_insert =
    YZ_SQL("INSERT INTO filing_batches(user_id, court_id, sha256, title, created_at, row_count,"
           " accepted, rejected, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");

static json_t *report_json(int64_t id, int64_t court_id, const char *title, int64_t created_at,
                           int64_t rows, int64_t accepted, int64_t rejected, json_t *items)
{
    char at[40];
    yz_time_format_utc(created_at, at, sizeof at);
    return json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:I, s:o}", "id", (json_int_t)id, "court_id",
                     (json_int_t)court_id, "title", title, "created_at", at, "rows",
                     (json_int_t)rows, "accepted", (json_int_t)accepted, "rejected",
                     (json_int_t)rejected, "items", items);
}

/* The report of the row st is on (columns as in q_find). */
static enum yz_err report_of(struct yz_stmt *st, json_t **report)
{
    json_t *items = json_loads(yz_col_text(st, 7), 0, NULL);
    if (!json_is_array(items)) {
        json_decref(items);
        return YZ_ERR_INTERNAL;
    }
    *report =
        report_json(yz_col_i64(st, 0), yz_col_i64(st, 1), yz_col_text(st, 2), yz_col_i64(st, 3),
                    yz_col_i64(st, 4), yz_col_i64(st, 5), yz_col_i64(st, 6), items);
    return YZ_OK;
}

static struct yz_sql_def q_upload = YZ_SQL("SELECT uploader_id FROM attachments WHERE id = ?");

/* RULE: own-uploads-only — the template may name only the uploader's own
 * uploads, as the attach_uploads effect demands of every application (it
 * gives each further matter its own row for a shared file); checked here
 * first so that the error names the template rather than a row. */
static enum yz_err check_files(struct yz_tx *tx, const struct yz_principal *who,
                               const struct template_files *f, struct yz_field_errors *fe)
{
    int before = fe->count + fe->dropped;
    for (size_t k = 0; k < f->n; k++) {
        struct yz_stmt *st = yz_sql(tx, &q_upload);
        yz_bind_i64(st, 1, f->id[k]);
        bool row;
        enum yz_err e = yz_step(st, &row);
        if (e != YZ_OK)
            return e;
        bool ok = row && yz_col_i64(st, 0) == who->user_id;
        if (row)
            yz_exec(st);
        if (!ok)
            yz_field_errors_add(fe, f->path[k], "not_found", "附件不存在，或不是您上传的文件");
    }
    return fe->count + fe->dropped > before ? YZ_ERR_VALIDATION : YZ_OK;
}

static void copy_errors(const struct yz_field_errors *from, size_t n, struct yz_field_errors *to)
{
    for (int i = 0; i < from->count; i++) {
        char path[96];
        snprintf(path, sizeof path, "rows/%zu/%.80s", n, from->items[i].field);
        yz_field_errors_add(to, path, from->items[i].code, "%s", from->items[i].message);
    }
}

/* Creates the matters; items receives every row's entry, ids the matter ids. */
static enum yz_err create_matters(struct yz_tx *tx, struct yz_app *app,
                                  const struct yz_principal *who, const char *channel,
                                  const struct yz_batch *b, json_t *items, json_t *ids,
                                  struct yz_field_errors *fe)
{
    enum yz_err e = check_files(tx, who, &b->files, fe);
    if (e != YZ_OK)
        return e;
    for (size_t i = 0; i < b->count; i++) {
        const struct row *r = &b->rows[i];
        json_t *item =
            json_pack("{s:I, s:I}", "row", (json_int_t)r->n, "line", (json_int_t)r->line);
        json_array_append_new(items, item);
        if (!r->application) {
            json_object_set_new(item, "status", json_string("rejected"));
            json_object_set(item, "errors", r->errors);
            if (r->omitted)
                json_object_set_new(item, "errors_omitted", json_integer(r->omitted));
            continue;
        }
        /* RULE: bulk-filing-channel — every bulk row is an ordinary filing, channel "bulk". */
        json_t *fields = json_pack("{s:s, s:O}", "channel", "bulk", "application", r->application);
        struct yz_matter_new m = {
            .kind = "filing",
            .court_id = b->court_id,
            .title = r->title,
            .fields = fields,
            .channel = channel,
        };
        struct yz_field_errors rfe = {0};
        int64_t id = 0;
        e = yz_matter_create(tx, app, who, &m, &rfe, &id);
        json_decref(fields);
        if (e != YZ_OK) {
            copy_errors(&rfe, r->n, fe);
            return e;
        }
        json_object_set_new(item, "status", json_string("accepted"));
        json_object_set_new(item, "matter_id", json_integer(id));
        json_array_append_new(ids, json_integer(id));
    }
    return YZ_OK;
}

enum yz_err yz_batch_store(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *channel, const struct yz_batch *b, json_t **report,
                           bool *created, struct yz_field_errors *fe)
{
    *report = NULL;
    *created = false;
    struct yz_stmt *st = yz_sql(tx, &q_find);
    yz_bind_i64(st, 1, who->user_id);
    yz_bind_text(st, 2, b->sha256);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    if (row) {
        /* RULE: bulk-filing-once — the same batch again creates nothing. */
        e = report_of(st, report);
        yz_exec(st);
        return e;
    }

    json_t *items = json_array(), *ids = json_array(), *payload = NULL;
    char *text = NULL;
    int64_t now = yz_time_now_ms(), id = 0;
    size_t rejected = b->count - b->accepted;
    if ((e = create_matters(tx, app, who, channel, b, items, ids, fe)) != YZ_OK)
        goto out;
    text = yz_json_dumps(items);
    if (!text) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    st = yz_sql(tx, &q_insert);
    yz_bind_i64(st, 1, who->user_id);
    yz_bind_i64(st, 2, b->court_id);
    yz_bind_text(st, 3, b->sha256);
    yz_bind_text(st, 4, b->title);
    yz_bind_i64(st, 5, now);
    yz_bind_i64(st, 6, (int64_t)b->count);
    yz_bind_i64(st, 7, (int64_t)b->accepted);
    yz_bind_i64(st, 8, (int64_t)rejected);
    yz_bind_text(st, 9, text);
    if ((e = yz_step(st, &row)) != YZ_OK)
        goto out;
    if (!row) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    id = yz_col_i64(st, 0);
    yz_exec(st);

    char stream[40];
    snprintf(stream, sizeof stream, "batch/%lld", (long long)id);
    payload =
        json_pack("{s:I, s:s, s:I, s:I, s:I, s:O}", "court_id", (json_int_t)b->court_id, "sha256",
                  b->sha256, "rows", (json_int_t)b->count, "accepted", (json_int_t)b->accepted,
                  "rejected", (json_int_t)rejected, "matter_ids", ids);
    if ((e = yz_app_record(tx, app, stream, "filing_batch.created", who->user_id, 0, channel,
                           payload, NULL)) != YZ_OK)
        goto out;
    *report = report_json(id, b->court_id, b->title, now, (int64_t)b->count, (int64_t)b->accepted,
                          (int64_t)rejected, items);
    items = NULL;
    *created = true;
out:
    json_decref(items);
    json_decref(ids);
    json_decref(payload);
    free(text);
    return e;
}

enum yz_err yz_batch_get(struct yz_tx *tx, const struct yz_principal *who, int64_t id,
                         json_t **report, bool *denied)
{
    *report = NULL;
    if (denied)
        *denied = false;
    struct yz_stmt *st = yz_sql(tx, &q_get);
    yz_bind_i64(st, 1, id);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    /* RULE: bulk-report-owner — only the uploader sees a batch; others as if it did not exist. */
    if (yz_col_i64(st, 8) != who->user_id) {
        yz_exec(st);
        if (denied)
            *denied = true;
        return YZ_ERR_NOT_FOUND;
    }
    e = report_of(st, report);
    yz_exec(st);
    return e;
}

/* ---- the report as CSV --------------------------------------------------------- */

/* The column title a row error's field names ("rows/3/defendant_phone" -> 被告电话). */
static const char *field_title(const char *field)
{
    const char *last = strrchr(field, '/');
    const char *name = last ? last + 1 : field;
    for (int c = 0; c < C__COUNT; c++)
        if (strcmp(columns[c].name, name) == 0)
            return columns[c].title;
    return strcmp(name, "defendant") == 0 ? "被告" : "";
}

static const char *str_or_empty(const json_t *v)
{
    return json_is_string(v) ? json_string_value(v) : "";
}

static bool add_number(struct yz_buf *b, const json_t *v, bool first)
{
    char text[24] = "";
    if (json_is_integer(v))
        snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
    return yz_csv_write_field(b, text, strlen(text), first);
}

bool yz_batch_report_csv(const json_t *report, struct yz_buf *out)
{
    static const char *const head[] = {"行号", "结果", "事项编号", "错误说明", "原文件行号"};
    bool ok = yz_buf_adds(out, "\xEF\xBB\xBF");
    for (size_t i = 0; ok && i < sizeof head / sizeof head[0]; i++)
        ok = yz_csv_write_field(out, head[i], strlen(head[i]), i == 0);
    ok = ok && yz_csv_write_end(out);
    size_t i;
    const json_t *item;
    json_array_foreach(json_object_get(report, "items"), i, item)
    {
        if (!ok)
            break;
        bool accepted = strcmp(str_or_empty(json_object_get(item, "status")), "accepted") == 0;
        const char *result = accepted ? "已提交立案申请" : "有误，未提交";
        struct yz_buf why = YZ_BUF_INIT(out->max);
        size_t k;
        const json_t *err;
        json_array_foreach(json_object_get(item, "errors"), k, err)
        {
            const char *title = field_title(str_or_empty(json_object_get(err, "field")));
            const char *msg = str_or_empty(json_object_get(err, "message"));
            ok = ok && yz_buf_addf(&why, "%s%s%s%s", k ? "；" : "", title, *title ? "：" : "", msg);
        }
        const json_t *omitted = json_object_get(item, "errors_omitted");
        if (ok && json_is_integer(omitted))
            ok = yz_buf_addf(&why, "；另有 %lld 处错误未列出",
                             (long long)json_integer_value(omitted));
        ok = ok && add_number(out, json_object_get(item, "row"), true) &&
             yz_csv_write_field(out, result, strlen(result), false) &&
             add_number(out, json_object_get(item, "matter_id"), false) &&
             yz_csv_write_field(out, why.data, why.len, false) &&
             add_number(out, json_object_get(item, "line"), false) && yz_csv_write_end(out);
        yz_buf_release(&why);
    }
    return ok;
}
