/*
 * Triage (繁简分流) criteria as data: data/triage/rules.json, one rule set per
 * case category (民事 / 行政), each rule with its statutory basis, a
 * declarative condition over named features of the case and an effect
 * (exclude tracks, add to the simplicity score, qualify for or require a
 * track). The format is in data/triage/README.md. The loader refuses
 * anything it does not understand (unknown keys, features, operators, cause
 * names that are in no catalogue revision), so a typo can never silently
 * mean "never matches"; the server does not start on an invalid file.
 *
 * Evaluation is pure: features (a JSON object, a missing member meaning
 * "unknown") in, proposal out, so every rule is unit-tested without a server.
 */
#ifndef YZ_TRIAGE_RULES_H
#define YZ_TRIAGE_RULES_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>

struct yz_catalog;
struct yz_wf_deadline;

/* The tracks a registered case can take; names as in the workflow states. */
enum yz_track {
    YZ_TRACK_MEDIATION,    /* 立案后先行调解 (CPL art. 125) */
    YZ_TRACK_SMALL_CLAIMS, /* 小额诉讼程序 (CPL art. 165) */
    YZ_TRACK_SIMPLIFIED,   /* 简易程序 (CPL art. 160) */
    YZ_TRACK_ORDINARY,     /* 普通程序 */
    YZ_TRACK__COUNT
};
const char *yz_track_name(enum yz_track t);  /* "mediation", "small_claims", ... */
const char *yz_track_title(enum yz_track t); /* "先行调解", ... */
bool yz_track_parse(const char *s, enum yz_track *out);

/* The features a rule may test. */
enum yz_feature_type { YZ_FEAT_BOOL, YZ_FEAT_INT, YZ_FEAT_TEXT, YZ_FEAT_NAMES };
struct yz_triage_feature {
    const char *name;
    enum yz_feature_type type;
    const char *title;  /* Chinese, for reasons and field errors */
    bool amendable;     /* the triage officer may set it (the filing cannot know it) */
};
/* The known features, NULL-terminated by name; and one by name (NULL when unknown). */
extern const struct yz_triage_feature yz_triage_features[];
const struct yz_triage_feature *yz_triage_feature_find(const char *name);

#define YZ_TRIAGE_RULES_MAX_BYTES (512 * 1024)

struct yz_triage_rules;

/* Loads and checks DIR/triage/rules.json. cat (may be NULL: then cause names
 * are not checked) is the cause catalogue. Every problem is appended to err,
 * one line each, prefixed "rules.json: "; returns YZ_ERR_CONFIG then. */
enum yz_err yz_triage_rules_load(const char *data_dir, const struct yz_catalog *cat,
                                 struct yz_triage_rules **out, struct yz_buf *err);
/* The same from an already-parsed document (tests). */
enum yz_err yz_triage_rules_from_json(const json_t *root, const struct yz_catalog *cat,
                                      struct yz_triage_rules **out, struct yz_buf *err);
void yz_triage_rules_free(struct yz_triage_rules *r);
int yz_triage_rules_version(const struct yz_triage_rules *r);
/* "civil: 21 rules; administrative: 7 rules" for the check command. */
void yz_triage_rules_describe(const struct yz_triage_rules *r, struct yz_buf *out);

/*
 * The proposal for a case with these features: a new object
 *   {"category": "civil", "category_title", "rules_version",
 *    "track", "trial_track", "score", "simple_threshold",
 *    "excluded": [track...], "qualified": [track...],
 *    "reasons": [{"rule", "title", "basis", "effect": {...}, "features": {...}}]}
 * reasons are the rules that fired, in file order, each with the values of
 * the features its condition reads. A case whose category has no rule set
 * gets the ordinary track and a reason saying so.
 */
json_t *yz_triage_propose(const struct yz_triage_rules *r, const json_t *features);

/* The trial period of track in the rule set whose catalogue category is
 * case_category (民事 / 行政); false when the rules set none (no such track). */
bool yz_triage_trial_period(const struct yz_triage_rules *r, const char *case_category,
                            enum yz_track t, struct yz_wf_deadline *out);
/* The title of the rule with this id in any rule set, or NULL. */
const char *yz_triage_rule_title(const struct yz_triage_rules *r, const char *id);
/* The rule set's name ("civil") for a catalogue category, or NULL. */
const char *yz_triage_category_for(const struct yz_triage_rules *r, const char *case_category);

#endif
