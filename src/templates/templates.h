/*
 * Document templates (文书模板): court documents filled from a registered
 * case — the mediation agreement (调解协议), the simplified-procedure,
 * small-claims and element-style judgments (简易程序民事判决书, 小额诉讼
 * 民事判决书, 要素式判决书), the summons
 * (传票), the ruling for a fee not paid in time (按撤诉处理民事裁定书) — kept as data in data/templates/<id>.json so that a court can word
 * them without code changes.
 *
 * A template file:
 *   {"id": "summons",                 the file's name without .json, [a-z0-9_]{1,40}
 *    "title": "传票",                  what the document is called (PDF title)
 *    "description": "...",            optional, for the list
 *    "applies_to": {"case_types": ["民初"], "causes": ["115.2"],
 *                   "procedures": ["simplified"]},
 *                                      the case class: case-type 代字, 2025
 *                                      cause codes (a case matches a listed
 *                                      cause or one below it) and the trial
 *                                      procedures (small_claims, simplified,
 *                                      ordinary: the track the case is or was
 *                                      tried in); each empty = all
 *    "inputs": [{"name": "hearing_at", "title": "开庭时间",
 *                "type": "text|longtext|date|datetime|money", "required": true}],
 *                                      what the author supplies at rendering
 *    "body": [{"style": "title|center|right|para|plain|blank", "text": "..."}]}
 * Placeholders are {{name}} in a block's text; names are the vocabulary below
 * or input.<a declared input>. Loading refuses (YZ_ERR_CONFIG, the file and
 * the reason in err) unknown members, an unknown style, type, case type or
 * cause, an unknown or unclosed placeholder, a duplicate or unused input,
 * and anything over the caps.
 *
 * Vocabulary (RULE: template-vocabulary): court.name, case.number, case.cause,
 * case.registered_date, case.claims, case.facts, case.amount (元, from fen),
 * parties.plaintiffs / parties.defendants / parties.third_parties (one
 * particulars line per party, with agents), parties.plaintiff_names /
 * parties.defendant_names, today (2026年3月2日), today_cn (二〇二六年三月二日).
 * Names are shown in full (a court document), citizen IDs and natural
 * persons' addresses only in their masked form: the clear values stay sealed.
 *
 * Filling gives a struct yz_doc: the title and the blocks with their text
 * substituted, a block whose text holds line breaks split into one block per
 * line. yz_doc_text() prints it; pdf.h sets it in type.
 */
#ifndef YZ_TEMPLATES_TEMPLATES_H
#define YZ_TEMPLATES_TEMPLATES_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct yz_catalog;

#define YZ_TPL_MAX_FILE (256 * 1024) /* bytes of a template file */
#define YZ_TPL_MAX_TEMPLATES 64
#define YZ_TPL_MAX_BLOCKS 200
#define YZ_TPL_MAX_INPUTS 20
#define YZ_TPL_MAX_TEXT 2000       /* code points of a block's text */
#define YZ_TPL_MAX_DOC (512 * 1024) /* bytes of a filled document */

enum yz_tpl_style { YZ_TPL_TITLE, YZ_TPL_CENTER, YZ_TPL_RIGHT, YZ_TPL_PARA, YZ_TPL_PLAIN, YZ_TPL_BLANK };
enum yz_tpl_type { YZ_TPL_TEXT, YZ_TPL_LONGTEXT, YZ_TPL_DATE, YZ_TPL_DATETIME, YZ_TPL_MONEY };

struct yz_tpl_input {
    char *name;
    char *title;
    enum yz_tpl_type type;
    bool required;
};

struct yz_tpl_block {
    enum yz_tpl_style style;
    char *text; /* "" for blank */
};

struct yz_template {
    char *id, *title, *description;
    char **case_types;
    size_t n_case_types;
    char **causes;
    size_t n_causes;
    char **procedures; /* trial tracks: small_claims, simplified, ordinary */
    size_t n_procedures;
    struct yz_tpl_input *inputs;
    size_t n_inputs;
    struct yz_tpl_block *blocks;
    size_t n_blocks;
};

struct yz_templates {
    struct yz_template *items; /* sorted by id */
    size_t n;
};

/* Parses one template from root; id is the file's name without .json. cat
 * checks case types and causes (NULL skips those two checks). */
enum yz_err yz_template_parse(const char *id, const json_t *root, const struct yz_catalog *cat,
                              struct yz_template *out, struct yz_buf *err);
void yz_template_release(struct yz_template *t);

/* Loads every .json file of DATA_DIR/templates (at most YZ_TPL_MAX_TEMPLATES); err names
 * the file. A missing directory is an error: the shipped data has one. */
enum yz_err yz_templates_load_dir(const char *data_dir, const struct yz_catalog *cat,
                                  struct yz_templates **out, struct yz_buf *err);
void yz_templates_free(struct yz_templates *set);
const struct yz_template *yz_templates_find(const struct yz_templates *set, const char *id);

/* The trial procedures a template can name: the filing workflow's track states. */
bool yz_template_procedure_known(const char *procedure);

/* Whether t applies to a case of this type (代字), 2025-or-2020 cause code and
 * trial procedure: the track it is or was tried in, "" when it has none yet
 * (only templates without a procedure restriction apply then), or NULL for a
 * class of cases, whose members may be in any procedure. */
bool yz_template_applies(const struct yz_template *t, const struct yz_catalog *cat,
                         const char *case_type, const char *cause_code, const char *procedure);
/* {"id", "title", "description", "applies_to", "inputs": [{"name","title","type","required"}]} */
json_t *yz_template_json(const struct yz_template *t);

/* The filled document. */
struct yz_doc_block {
    enum yz_tpl_style style;
    char *text;
};
struct yz_doc {
    char *title;
    struct yz_doc_block *blocks;
    size_t n;
};
void yz_doc_release(struct yz_doc *d);

/*
 * Fills t from a case view and the author's inputs. The case view is
 *   {"court": "重庆市渝中区人民法院", "case_number": "（2026）渝0103民初1号",
 *    "registered_on": "2026-03-02", "today": "2026-03-09",
 *    "application": <the stored filing application>}
 * (dates are Asia/Shanghai civil dates). inputs is an object (NULL = {}):
 * each member a declared input — text single-line up to 200 code points,
 * longtext up to 20000, date YYYY-MM-DD, datetime YYYY-MM-DDTHH:MM (Shanghai
 * time), money integer fen 0..10^14. Problems go to fe as
 * "inputs/<name>" (required, unknown_field, wrong_type, invalid, too_long)
 * and give YZ_ERR_VALIDATION; a case view without the members above gives
 * YZ_ERR_INTERNAL (a caller bug); a document over YZ_TPL_MAX_DOC gives
 * YZ_ERR_PAYLOAD_TOO_LARGE.
 */
enum yz_err yz_template_fill(const struct yz_template *t, const json_t *view, const json_t *inputs,
                             struct yz_doc *out, struct yz_field_errors *fe);

/* The document as plain text into out (UTF-8, lines ending in \n). Titles and
 * centered lines are centered in a 28-character line with ideographic spaces,
 * right lines pushed to the right, paragraphs indented by two characters. */
void yz_doc_text(const struct yz_doc *d, struct yz_buf *out);

#endif
