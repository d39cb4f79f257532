/*
 * Element-style complaint and answer forms (要素式起诉状、答辩状): the SPC /
 * Ministry of Justice model texts for eleven high-volume civil causes, loaded
 * once at start-up from data/complaint_forms.json and read-only afterwards
 * (one struct yz_forms is shared by every thread without locks).
 *
 * A form belongs to one cause of action, resolved against the catalogue in
 * both revisions; its id is the cause's 2025 code ("108.3" = 民间借贷纠纷,
 * "C19" = 劳动争议), so ids are unique and stable as long as the catalogue
 * is. A form covers its cause and every cause below it (劳动争议 C19 covers
 * 205.5 追索劳动报酬纠纷).
 *
 * A form has two documents: the complaint (the 2025 structure) and the answer
 * (the 2024 trial structure; the 2025 answer texts were not available). Each
 * document is a list of sections, each section a list of numbered items (the
 * form's printed rows), each item a list of elements (the blanks and boxes a
 * party fills). Element ids are "<section key><item no>.<element no>", both
 * numbers 1-based in form order: "c8.1" is the first element of claims item 8.
 *
 *   complaint sections: c 诉讼请求 (claims), j 约定管辖和诉前保全 / 诉前保全 /
 *     诉前保全及鉴定申请 (the title follows the items), f 事实与理由 (facts),
 *     e 证据清单 (when the form lists evidence outside the facts), m 对纠纷解决方式
 *     的意愿 (the 2025 mediation-preference block, common to every form);
 *   answer sections: d 答辩事项 (one item per claim defence), r 事实与理由 (when
 *     the form has them); every answer item has d<n>.1 有无异议 (yes/no, printed
 *     有/无) and d<n>.2 事实和理由 (text).
 *
 * Answers are one JSON object: element id -> value, plus "parties". A null,
 * "" or [] value is an unanswered element (the form says irrelevant rows may
 * be left blank). Values by element type:
 *   text         string, up to YZ_FORMS_MAX_TEXT_CPS code points, newlines allowed
 *   amount       integer fen, 0..YZ_FORMS_MAX_AMOUNT_FEN (printed "1234.56元")
 *   number       non-negative integer, or a decimal string such as "3.85" (no
 *                floating point: the digits are printed as given)
 *   date         "YYYY-MM-DD" (printed "2025年1月1日")
 *   choice       one of the element's options
 *   yes_no       true or false (a choice whose options are exactly 是/否 or 有/无;
 *                printed with the data's word)
 *   multichoice  array of distinct options
 *   table        array of row objects keyed by column label, string values; the
 *                first column is required in each row
 * A repeatable element takes an array of 1..YZ_FORMS_MAX_REPEAT values of its type.
 *
 * "parties" is an array shaped like the filing application's parties (see
 * filing/application.c): {role: plaintiff|defendant|third_party, kind:
 * natural|legal|other, name, address?, sex?, birth_date?, ethnicity?,
 * citizen_id?, credit_code?, legal_rep?, phone?}, checked the same way. The
 * rendered text prints only what is given, and masks what the filing seals:
 * citizen IDs (110***********002X), phones and natural persons' addresses.
 *
 * Everything returned (forms, sections, items, elements and their strings) is
 * owned by struct yz_forms and lives until yz_forms_free.
 */
#ifndef YZ_FORMS_FORMS_H
#define YZ_FORMS_FORMS_H

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fielderr.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_catalog;
struct yz_cause;

/* Limits of the data file: a file past any of them is refused. */
#define YZ_FORMS_MAX_FILE_BYTES (1024 * 1024)
#define YZ_FORMS_MAX_FORMS 100
#define YZ_FORMS_MAX_ITEMS 64   /* items in one section */
#define YZ_FORMS_MAX_FIELDS 24  /* elements in one item */
#define YZ_FORMS_MAX_OPTIONS 32 /* options of a choice */
#define YZ_FORMS_MAX_COLUMNS 12 /* columns of a table */
#define YZ_FORMS_MAX_LABEL_CPS 100
#define YZ_FORMS_MAX_OPTION_CPS 40
#define YZ_FORMS_MAX_COLUMN_CPS 20 /* keeps "answers/<id>/<row>/<column>" within a field path */
#define YZ_FORMS_MAX_NOTE_CPS 500
/* Elements of one document; also the most members an answers object may have. */
#define YZ_FORMS_MAX_ELEMENTS 400

/* Limits of answers. */
#define YZ_FORMS_MAX_TEXT_CPS 2000
#define YZ_FORMS_MAX_REPEAT 50
#define YZ_FORMS_MAX_ROWS 200
#define YZ_FORMS_MAX_CELL_CPS 500
#define YZ_FORMS_MAX_PARTIES 50                          /* as a filing application */
#define YZ_FORMS_MAX_AMOUNT_FEN INT64_C(100000000000000) /* 1 trillion yuan, as a filing */
/* What a filing application accepts as its "claims" and "facts" (application.c):
 * a rendering whose claims or facts are longer is refused with a field error. */
#define YZ_FORMS_MAX_CLAIMS_CPS 2000
#define YZ_FORMS_MAX_FACTS_CPS 20000

enum yz_form_type {
    YZ_FORM_TEXT,
    YZ_FORM_AMOUNT,
    YZ_FORM_NUMBER,
    YZ_FORM_DATE,
    YZ_FORM_CHOICE,
    YZ_FORM_MULTICHOICE,
    YZ_FORM_YES_NO,
    YZ_FORM_TABLE,
};

enum yz_form_doc {
    YZ_FORM_COMPLAINT, /* 民事起诉状 */
    YZ_FORM_ANSWER,    /* 民事答辩状 */
};

struct yz_form_element {
    char id[32];       /* "c1.2" */
    const char *label; /* the form's wording, "尚欠本金" */
    enum yz_form_type type;
    bool required;
    bool repeatable;
    const char *const *options; /* CHOICE, MULTICHOICE, YES_NO: the data's order */
    size_t noptions;
    const char *yes, *no;       /* YES_NO: printed for true / false ("是"/"否", "有"/"无") */
    const char *const *columns; /* TABLE */
    size_t ncolumns;
    const char *hint; /* the form's printed hint (Chinese), may be NULL */
    bool unlabelled;  /* printed without its label, which would repeat the item's: the item's
                         only element, one labelled as the item, or an answer's 有无异议 when
                         the item reads "对…有无异议" */
};

struct yz_form_item {
    int no;            /* the form's number, 1.. */
    const char *label; /* "本金" */
    const char *hint;  /* may be NULL */
    const struct yz_form_element *elements;
    size_t nelements;
};

struct yz_form_section {
    char key[4];       /* "c", "j", "f", "e", "m"; "d", "r" */
    const char *name;  /* "claims", "jurisdiction_and_preservation", "facts_and_reasons",
                          "evidence", "dispute_resolution"; "defence", "facts_and_reasons" */
    const char *title; /* "诉讼请求" */
    const struct yz_form_item *items;
    size_t nitems;
};

struct yz_form_document {
    const char *title;                      /* "民事起诉状（要素式）" */
    const char *version;                    /* "2025" or "2024_trial" */
    const struct yz_form_section *sections; /* nsections == 0: the form has no such document */
    size_t nsections;
};

struct yz_form {
    char id[16];       /* the 2025 cause code */
    const char *name;  /* the data's key, a cause name: "劳动争议" */
    const char *title; /* the cause as printed on the form: "劳动争议纠纷" */
    const struct yz_cause *cause_2025;
    const struct yz_cause
        *cause_2020; /* NULL when the data gives none and the name is not a 2020 cause */
    struct yz_form_document complaint;
    struct yz_form_document answer;
};

struct yz_forms; /* opaque, immutable once loaded */

/*
 * Loads and checks path (data/complaint_forms.json), at most
 * YZ_FORMS_MAX_FILE_BYTES, against cat (which must outlive the forms):
 *   {_meta: {...}, _common: {...}, forms: {<cause name>: {...}}}, no other
 *   members; _common has only the members the file documents and its
 *   dispute_resolution_preference_2025 block is three members: a choice, a
 *   group of statements "<label> (<n> statements, each <A>/<B>)" and a choice;
 *   a form has cause_code_2025, cause_code_2020, claims, facts_and_reasons,
 *   jurisdiction_and_preservation, answer_2024 and optionally evidence,
 *   form_title, form_title_2024, parties, notes, claims_note; items are
 *   {no, label, fields, note?} numbered 1, 2, 3 … in order; fields are
 *   {label, type, options?, columns?, note?, repeatable?} with type date,
 *   amount, number, text, choice, multichoice or table, options (2..32,
 *   distinct) exactly for choice and multichoice, columns exactly for table;
 *   answer_2024 is {defence_items, facts_and_reasons, field_pattern} with the
 *   one field pattern the file uses. Texts are single-line and bounded.
 * Causes: a form's cause_code_<rev>, when present, starts with a catalogue code
 * of that revision whose name is the form's name ("C19 劳动争议 (usually …)"
 * is C19); when absent the form's name is looked up. The 2025 cause must
 * exist; ids must be unique.
 * Notes containing Latin letters are maintainers' notes and are not kept;
 * Chinese ones are the form's printed hints.
 *
 * On success *out is the new set (yz_forms_free). On failure *out is NULL,
 * the result is YZ_ERR_CONFIG and err receives one Chinese line naming the
 * file and the entry at fault, e.g.
 *   data/complaint_forms.json：forms.民间借贷纠纷.claims[1].fields[0]：不支持的类型 "money"
 */
enum yz_err yz_forms_load(const char *path, const struct yz_catalog *cat, struct yz_forms **out,
                          struct yz_buf *err);
/* The same with dir/complaint_forms.json. */
enum yz_err yz_forms_load_dir(const char *dir, const struct yz_catalog *cat, struct yz_forms **out,
                              struct yz_buf *err);
/* NULL is fine. */
void yz_forms_free(struct yz_forms *forms);

/* Number of forms, and the i-th in file order (NULL past the end). */
size_t yz_forms_count(const struct yz_forms *forms);
const struct yz_form *yz_forms_at(const struct yz_forms *forms, size_t i);
/* The form with this id, or NULL (also for NULL). */
const struct yz_form *yz_forms_get(const struct yz_forms *forms, const char *id);
/* The form that covers cause (of either revision): the one whose cause is cause
 * or its nearest ancestor. NULL when none does. */
const struct yz_form *yz_forms_for_cause(const struct yz_forms *forms,
                                         const struct yz_cause *cause);

/* The document of a form; its nsections is 0 when the form has none. */
const struct yz_form_document *yz_form_document(const struct yz_form *f, enum yz_form_doc doc);
/* The element with this id in the document, or NULL. */
const struct yz_form_element *yz_form_element(const struct yz_form_document *d, const char *id);
/* "text", "amount", "number", "date", "choice", "multichoice", "yes_no", "table". */
const char *yz_form_type_name(enum yz_form_type t);
/* "complaint" / "answer"; parse gives false (out untouched) for anything else. */
const char *yz_form_doc_name(enum yz_form_doc doc);
bool yz_form_doc_parse(const char *s, enum yz_form_doc *out);

/*
 * Checks answers (a JSON object) against document doc of form f and reports
 * every problem into fe with the path "answers/<element id>" (deeper for
 * arrays and tables: "answers/c2.2/1", "answers/f18.1/0/证据名称",
 * "answers/parties/0/citizen_id"), a stable code and a Chinese message.
 * Beyond each value's type and bounds:
 *   RULE: complaint-claims-and-facts — 民事诉讼法 art. 124(3): a complaint
 *     states claims and the facts and reasons: at least one claims element
 *     other than 标的总额 ("answers", no_claims) and one facts element
 *     ("answers", no_facts) must be answered; an answer needs one answered
 *     element ("answers", no_defence).
 *   RULE: complaint-amount-in-dispute — 诉讼费用交纳办法 art. 13: the fee of a
 *     property case follows the amount in dispute, which the form asks as its
 *     last claim 标的总额: that element is required (0 is an answer).
 * Returns YZ_OK, or YZ_ERR_VALIDATION when it added anything to fe.
 * today is the date citizen IDs' birth dates are checked against.
 */
enum yz_err yz_forms_validate(const struct yz_form *f, enum yz_form_doc doc, const json_t *answers,
                              struct yz_date today, struct yz_field_errors *fe);

/* A rendered document. Release with yz_form_rendering_release. */
struct yz_form_rendering {
    struct yz_buf text;   /* the whole document, plain text, ends with a newline */
    struct yz_buf claims; /* complaint: the 诉讼请求 lines, ready for a filing's "claims" */
    struct yz_buf facts;  /* complaint: the 事实与理由 lines, ready for a filing's "facts" */
    bool has_amount;      /* complaint: 标的总额 answered */
    int64_t amount_fen;   /* its value, for a filing's "amount_fen" */
};
void yz_form_rendering_release(struct yz_form_rendering *r);

/*
 * Validates (yz_forms_validate, with today's Shanghai date) and renders document doc in the
 * standard layout: the title, the cause in brackets, the parties (原告/被告/第三人
 * in that order; in an answer 答辩人 = defendants, 被答辩人 = plaintiffs), each
 * section with its answered items only, numbered with the form's numbers and
 * labelled element by element, then 此致 <court>, the signer line
 * (具状人/答辩人（签字、盖章）：names of the plaintiffs/defendants given) and
 * date in Chinese. court NULL prints a blank line for the court's name.
 * Also refuses (field errors at "answers") claims or facts longer than
 * YZ_FORMS_MAX_CLAIMS_CPS / YZ_FORMS_MAX_FACTS_CPS code points.
 * On YZ_OK out is filled (initialise nothing; release it); on
 * YZ_ERR_VALIDATION out is left empty and fe has every problem.
 */
enum yz_err yz_forms_render(const struct yz_form *f, enum yz_form_doc doc, const json_t *answers,
                            const char *court, struct yz_date date, struct yz_form_rendering *out,
                            struct yz_field_errors *fe);

/* Money in fen as yuan with two decimals, integer arithmetic only: 12345 ->
 * "123.45", -5 -> "-0.05". size >= 24 always fits (false when it does not). */
bool yz_forms_format_money(int64_t fen, char *out, size_t size);
/* "2025年1月1日"; size >= 24. */
void yz_forms_format_date(struct yz_date d, char *out, size_t size);

/* JSON for the API. New references.
 * summary: {id, name, title, causes: {"2025": cause, "2020": cause|null},
 *           documents: ["complaint", "answer"?], elements: complaint element count}
 * full: the summary plus complaint and answer (null when absent) as
 *   {title, version, sections: [{key, name, title, items: [{no, label, hint?,
 *    elements: [{id, label, type, required, repeatable, hint?, options?, yes?, no?,
 *    columns?}]}]}]} */
json_t *yz_form_summary_json(const struct yz_form *f);
json_t *yz_form_json(const struct yz_form *f);

#endif
