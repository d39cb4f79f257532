/*
 * The reference catalogues a filing needs, loaded once at start-up from
 * data/ and read-only afterwards (so one struct yz_catalog is shared by every
 * thread without locks):
 *
 *   - causes of action (民事案件案由规定), both revisions: 2020
 *     (causes_civil_2020.json) and 2025 (causes_civil_2025.json, in force
 *     2026-01-01), each a four-level tree: 一级 part (P01…) → 二级 (C01…) →
 *     三级 (official number "103") → 四级 ("103.3" = the official （3）);
 *   - the correspondence between the two (causes_civil_2025_map.json):
 *     renamed, split, merged, removed and new causes;
 *   - case types and their 代字 (case_types.json: 民初, 民特, 执 … and the
 *     observed extra 民诉前调);
 *   - the published filing-materials checklist per cause (materials.json,
 *     立案材料公示清单) and the one-time notice of everything missing.
 *
 * Causes are identified by revision + code: codes are only unique inside a
 * revision ("14" is 离婚纠纷 in both, "103.3" is 民间借贷纠纷 in 2020 and
 * "108.3" in 2025). A matter keeps the revision it was filed under.
 *
 * Everything returned (causes, links, case types, material lists, items and
 * their strings) is owned by the catalogue and lives until yz_catalog_free.
 */
#ifndef YZ_CATALOG_CATALOG_H
#define YZ_CATALOG_CATALOG_H

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Limits: a data file past any of them is refused. */
#define YZ_CATALOG_MAX_FILE_BYTES (2 * 1024 * 1024)
#define YZ_CATALOG_MAX_CAUSES 4000    /* per revision */
#define YZ_CATALOG_MAX_NAME_CPS 64    /* a cause or case-type name */
#define YZ_CATALOG_MAX_CODE_BYTES 15  /* "P01", "C01", "103", "103.3" */
#define YZ_CATALOG_MAX_LINK_TARGETS 8 /* 2025 causes one 2020 row maps to */
#define YZ_CATALOG_MAX_CASE_TYPES 1000
#define YZ_CATALOG_MAX_MATERIAL_LISTS 500
#define YZ_CATALOG_MAX_LIST_ITEMS 64 /* items in one checklist, common ones included */
#define YZ_CATALOG_MAX_ITEM_CPS 300  /* a checklist item's text */
#define YZ_CATALOG_MAX_NOTE_CPS 1000 /* a note (items, lists, map rows, case types) */

/* Search bounds. */
#define YZ_CATALOG_SEARCH_MAX 50    /* results per search */
#define YZ_CATALOG_QUERY_MAX_CPS 40 /* query length in code points */
/* Material codes one check accepts. */
#define YZ_CATALOG_MAX_ATTACHED 128

#define YZ_CAUSE_MAX_LEVEL 4

/* The two revisions of the civil cause catalogue; the value is the year. */
enum yz_cause_rev {
    YZ_CAUSE_REV_2020 = 2020, /* 法〔2020〕347号 notice, in force 2021-01-01 */
    YZ_CAUSE_REV_2025 = 2025, /* 法〔2025〕226号 amendment, in force 2026-01-01 */
};

/* How a 2020 cause carries over to 2025 (the map file's `change`). */
enum yz_cause_change {
    YZ_CAUSE_UNCHANGED,     /* same number and name */
    YZ_CAUSE_RENUMBERED,    /* same name, new number */
    YZ_CAUSE_LEVEL_CHANGED, /* same name, another level (三级 → 四级) */
    YZ_CAUSE_RENAMED,       /* new wording for the same cause */
    YZ_CAUSE_SPLIT,         /* divided into several 2025 causes */
    YZ_CAUSE_MERGED,        /* absorbed into a broader 2025 cause */
    YZ_CAUSE_REPLACED,      /* no same-name successor; the targets are the closest fit */
    YZ_CAUSE_REMOVED,       /* no 2025 successor */
};

struct yz_cause_link;
struct yz_material_list;

struct yz_cause {
    enum yz_cause_rev revision;
    int level; /* 1 部分, 2 二级, 3 三级, 4 四级 */
    char code[YZ_CATALOG_MAX_CODE_BYTES + 1];
    const char *name;              /* "民间借贷纠纷" */
    const char *ordinal;           /* "第一部分" (level 1), "一" (level 2), NULL below */
    const struct yz_cause *parent; /* NULL at level 1 */
    const struct yz_cause *const *children; /* catalogue order */
    size_t nchildren;
    size_t order; /* position in the catalogue (file order) */
    /* The correspondence between revisions (see yz_catalog_counterparts). */
    const struct yz_cause_link *link;           /* 2020, level >= 2: its row; else NULL */
    const struct yz_cause_link *const *origins; /* 2025: the rows that map to it */
    size_t norigins;
    bool added_2025;                          /* 2025: listed as new (no 2020 predecessor) */
    const struct yz_material_list *materials; /* its own checklist, NULL when none */
};

/* One row of the map: a 2020 cause and the 2025 causes that take over its cases. */
struct yz_cause_link {
    const struct yz_cause *from;      /* 2020 */
    const struct yz_cause *const *to; /* 2025; nto == 0 when removed */
    size_t nto;
    enum yz_cause_change change;
    const char *confidence; /* "high", "medium" or "low" */
    const char *note;       /* maintainers' note (English), may be NULL */
};

struct yz_case_type {
    char type_id[8];        /* "0301"; "" for an entry the standard does not have */
    char parent_type_id[8]; /* "" at the top */
    char code[32];    /* 代字 ("民初", "民特", "执", "民诉前调"); "" for group headers */
    const char *name; /* "民事一审案件" */
    const char *category; /* "民事", "行政", "执行", "管辖" … */
    bool is_group;        /* a heading over other types, never used for a case */
    bool observed;        /* not in the standard text, seen in practice (民诉前调) */
    const char *note;     /* may be NULL */
    const char *evidence; /* for observed entries, may be NULL */
};

/*
 * One checklist item. Codes are defined here from materials.json, which has
 * none: the common items (`_common`, 登记立案规定 art. 6) are "G1", "G2" … in
 * file order; a cause's own items are "<cause_code_2020>-<n>", n counting
 * the items of its list that are not common ones ("103.3-1" = 借贷关系凭证).
 * A cause list repeats the common items, which keep their G code there, so a
 * code names the same document in every list and appending items never
 * renumbers.
 */
struct yz_material_item {
    char code[24];
    const char *name; /* what to submit (Chinese) */
    const char *note; /* legal basis or hint, may be NULL */
    bool required;    /* needed before the court registers the case */
};

struct yz_material_list {
    /* The entry's name, "民间借贷纠纷"; "通用材料" for the common list. */
    const char *title;
    /* The 2020 cause named by cause_code_2020; NULL for the common list. The list also
     * serves the 2025 causes that cause maps to (same list, same codes). */
    const struct yz_cause *cause;
    const char *note;                            /* may be NULL */
    const struct yz_material_item *const *items; /* file order, common items included */
    size_t nitems;
};

struct yz_catalog; /* opaque, immutable once loaded: safe to share between threads */

/* The files a catalogue is loaded from. */
struct yz_catalog_paths {
    const char *causes_2020; /* data/causes_civil_2020.json */
    const char *causes_2025; /* data/causes_civil_2025.json */
    const char *causes_map;  /* data/causes_civil_2025_map.json */
    const char *case_types;  /* data/case_types.json */
    const char *materials;   /* data/materials.json */
};

/*
 * Loads and validates all five files. Checked strictly, each file at most
 * YZ_CATALOG_MAX_FILE_BYTES and every count within the limits above:
 *   causes: a JSON array of {code, name, level, parent, ordinal?,
 *     effective_from?} in catalogue order, no other members; levels 1-4; codes
 *     P01… (1), C01… (2), "1"… (3), "<parent>.<n>" (4), each level numbered
 *     1, 2, 3 … without gaps (四级 per parent); a parent appears before its
 *     children and is exactly one level up; codes unique; names 1..64 code
 *     points of single-line text; effective_from, when present, is the
 *     revision's start (2026-01-01 for 2025).
 *   map: {map: [...], added_in_2025: [...], _meta…}; one row for every 2020
 *     cause of level 2-4 and only those, old_name/old_level and every target's
 *     name/level agree with the catalogues, `change` agrees with the targets
 *     (removed ⇔ none, split ⇒ several, unchanged/renumbered/level_changed ⇒
 *     one of the same name, renamed ⇒ one of another name); every 2025 cause
 *     of level 2-4 is a target or listed in added_in_2025, never both.
 *   case types: {types: [...], count?, with_code?, other descriptive members};
 *     type_id 4 digits, unique;
 *     parent_type_id names a group; groups have no code, other types have one;
 *     only an observed_in_practice entry may lack a type_id; count/with_code
 *     agree with the standard entries.
 *   materials: {_common: [...], "<title>": {cause_code_2020, items, note?}, _meta…};
 *     items {item, required, note?}; cause_code_2020 names a 2020 cause, at
 *     most one list per cause; each list repeats every common item unchanged.
 * The map carries each checklist to the 2025 causes its 2020 cause maps to.
 *
 * On success *out is the new catalogue (yz_catalog_free). On failure *out is
 * NULL, the result is YZ_ERR_CONFIG and err receives one Chinese line naming
 * the file and the entry at fault, e.g.
 *   data/causes_civil_2020.json：[12]（code "103.3"）：上级 "C99" 不存在
 */
enum yz_err yz_catalog_load(const struct yz_catalog_paths *paths, struct yz_catalog **out,
                            struct yz_buf *err);
/* The same with the standard file names inside dir (the data directory). */
enum yz_err yz_catalog_load_dir(const char *dir, struct yz_catalog **out, struct yz_buf *err);
/* NULL is fine. */
void yz_catalog_free(struct yz_catalog *cat);

/* ---- revisions ---- */

/* RULE: cause-revision-2026 — 法〔2025〕227号: the 2025 revision applies to
 * matters begun (filed) on or after 2026-01-01, the 2020 revision before. */
enum yz_cause_rev yz_catalog_revision_for(struct yz_date begun);
/* "2020" / "2025". */
const char *yz_catalog_revision_name(enum yz_cause_rev rev);
/* Parses "2020" or "2025"; false for anything else (out untouched). */
bool yz_catalog_revision_parse(const char *s, enum yz_cause_rev *out);
/* The map's word for a change: "renamed", "split" … */
const char *yz_cause_change_name(enum yz_cause_change c);

/* ---- causes ---- */

/* The cause with this code in that revision, or NULL (also for NULL or an unknown revision). */
const struct yz_cause *yz_catalog_cause(const struct yz_catalog *cat, const char *code,
                                        enum yz_cause_rev rev);
/* Number of causes in a revision, and the i-th in catalogue order (NULL past the end). */
size_t yz_catalog_cause_count(const struct yz_catalog *cat, enum yz_cause_rev rev);
const struct yz_cause *yz_catalog_cause_at(const struct yz_catalog *cat, enum yz_cause_rev rev,
                                           size_t i);
/* The 一级 parts of a revision in order; *n receives their number. */
const struct yz_cause *const *yz_catalog_roots(const struct yz_catalog *cat, enum yz_cause_rev rev,
                                               size_t *n);
/* The path from the root down to c, c included: out[0] is the part, out[depth-1] is c.
 * Returns depth (== c->level). */
size_t yz_catalog_path(const struct yz_cause *c, const struct yz_cause *out[YZ_CAUSE_MAX_LEVEL]);
/* True when c is ancestor itself or lies below it. */
bool yz_catalog_within(const struct yz_cause *c, const struct yz_cause *ancestor);

/*
 * The causes of the other revision that correspond to c: for a 2020 cause its
 * 2025 successors (c->link->to), for a 2025 cause the 2020 causes mapped to it
 * (the `from` of c->origins), in map order. Fills out[0..max) and returns how
 * many there are (0 for parts, removed causes and causes new in 2025).
 */
size_t yz_catalog_counterparts(const struct yz_cause *c, const struct yz_cause **out, size_t max);

/*
 * Chinese search by any part of a name. The query and the names are compared
 * after folding (full-width ASCII U+FF01-U+FF5E to ASCII, U+3000 to a space,
 * A-Z to a-z) and trimming spaces from the query; a cause matches when its
 * folded name contains the folded query, or its code equals it ("１０３．３"
 * finds 民间借贷纠纷 in 2020). Ranked: exact name or code first, then names
 * starting with the query, then shorter names, then catalogue order.
 *
 * within, when not NULL, keeps only causes at or below it (same revision).
 * limit is 1..YZ_CATALOG_SEARCH_MAX and out has room for limit entries.
 * Fills out[0..*nout) with the best matches and sets *total to the number of
 * matching causes (>= *nout). err may be NULL.
 *
 * Returns YZ_ERR_VALIDATION (err gets a Chinese reason, outputs untouched)
 * when the query is NULL, not valid UTF-8, has control characters, is longer
 * than YZ_CATALOG_QUERY_MAX_CPS code points or empty after trimming, or the
 * limit is out of bounds.
 */
enum yz_err yz_catalog_search(const struct yz_catalog *cat, enum yz_cause_rev rev,
                              const char *query, const struct yz_cause *within, size_t limit,
                              const struct yz_cause **out, size_t *nout, size_t *total,
                              struct yz_buf *err);

/* The cause as a JSON object for the API: {code, name, level, revision, parent
 * (its code or null), child_count, ordinal?}. New reference. */
json_t *yz_cause_json(const struct yz_cause *c);

/* ---- case types ---- */

/* Every case type in file order; *n receives the count. */
const struct yz_case_type *yz_catalog_case_types(const struct yz_catalog *cat, size_t *n);
/* The case type with this type_id ("0301"), or NULL. */
const struct yz_case_type *yz_catalog_case_type(const struct yz_catalog *cat, const char *type_id);
/* The types whose 代字 is code (several types share one: 民特 covers every special
 * procedure), in file order: fills out[0..max) and returns how many there are. */
size_t yz_catalog_case_types_by_code(const struct yz_catalog *cat, const char *code,
                                     const struct yz_case_type **out, size_t max);
/* New reference: {type_id, code, name, category, parent_type_id, is_group, observed}
 * (type_id, code, parent_type_id null when empty). */
json_t *yz_case_type_json(const struct yz_case_type *t);

/* ---- filing materials ---- */

/*
 * The checklist that applies to a cause: its own, else its nearest
 * ancestor's, else the common list (so never NULL). *from (when from is not
 * NULL) receives the cause whose list it is, NULL for the common list.
 */
const struct yz_material_list *yz_catalog_materials(const struct yz_catalog *cat,
                                                    const struct yz_cause *cause,
                                                    const struct yz_cause **from);
/* The common items as a list (title "通用材料", cause NULL). */
const struct yz_material_list *yz_catalog_materials_common(const struct yz_catalog *cat);
/* The item with this code in any list, or NULL. */
const struct yz_material_item *yz_catalog_material(const struct yz_catalog *cat, const char *code);

struct yz_materials_check {
    const struct yz_material_list *list; /* the checklist applied */
    /* Required items not attached, in list order: all of them at once (一次性告知). */
    const struct yz_material_item *missing[YZ_CATALOG_MAX_LIST_ITEMS];
    size_t nmissing;
    /* Optional items not attached, in list order. */
    const struct yz_material_item *optional[YZ_CATALOG_MAX_LIST_ITEMS];
    size_t noptional;
    /* Attached codes that are not on the list (pointers into the caller's array). */
    const char *unknown[YZ_CATALOG_MAX_ATTACHED];
    size_t nunknown;
};

/*
 * RULE: filing-one-time-notice — 登记立案规定 art. 7 (法释〔2015〕8号): when
 * materials are incomplete the court tells the party everything to supplement
 * at once. Checks the codes attached to an application against the checklist
 * of cause (yz_catalog_materials) and fills *out. Duplicates are fine.
 * Returns YZ_ERR_VALIDATION (out untouched) when nattached exceeds
 * YZ_CATALOG_MAX_ATTACHED or an entry is NULL.
 */
enum yz_err yz_catalog_materials_check(const struct yz_catalog *cat, const struct yz_cause *cause,
                                       const char *const *attached, size_t nattached,
                                       struct yz_materials_check *out);
/* New reference: {code, name, required, note?}. */
json_t *yz_material_item_json(const struct yz_material_item *it);

#endif
