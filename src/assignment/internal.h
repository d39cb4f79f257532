/*
 * What the files of src/assignment share: rows as structs, loads, and the
 * track of a case (an account is loaded with accounts/account_row.h). Not
 * for use outside src/assignment.
 */
#ifndef YZ_ASSIGNMENT_INTERNAL_H
#define YZ_ASSIGNMENT_INTERNAL_H

#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_ASSIGN_MAX_JUDGES 1000 /* judges of one court whose load is counted */

struct yz_assign_team {
    int64_t id, court_id;
    char name[192], kind[16];
    bool active;
};

struct yz_assign_loads {
    struct {
        int64_t judge_id, open;
    } item[YZ_ASSIGN_MAX_JUDGES];
    size_t n;
};

enum yz_err yz_assign_load_team(struct yz_tx *tx, int64_t id, struct yz_assign_team *t);
const char *yz_team_kind_title(const char *kind);
json_t *yz_assign_team_json(const struct yz_assign_team *t);
enum yz_err yz_assign_team_members(struct yz_tx *tx, int64_t team_id, json_t **out);
/* Adds open_cases (and, for judges, open_in_team) to each member object. */
enum yz_err yz_assign_member_workload(struct yz_tx *tx, struct yz_app *app,
                                      const struct yz_assign_team *t, json_t *members);

/* Open assigned cases per judge of court_id, leaving out exclude_matter (the
 * case being assigned, so that a redraw does not count it against anyone). */
enum yz_err yz_assign_court_loads(struct yz_tx *tx, struct yz_app *app, int64_t court_id,
                                  int64_t exclude_matter, struct yz_assign_loads *out);
int64_t yz_assign_load_of(const struct yz_assign_loads *l, int64_t judge_id);
/* Whether a matter of kind in state is still open (not in a final state). */
bool yz_assign_is_open(struct yz_app *app, const char *kind, const char *state);
/* 自行回避, 当事人申请回避, 存在利害关系; the kind itself when unknown. */
const char *yz_assign_recusal_kind_title(const char *kind);
/* The name of the party or agent in application (a filing_application as
 * stored) that a relationship of kind with value matches, or NULL. */
const char *yz_assign_conflict_match(const json_t *application, const char *kind,
                                     const char *value);
/* The first configured relationship of judge_id that application matches,
 * as the Chinese reason of an exclusion in reason ("" when none). */
enum yz_err yz_assign_conflict_of(struct yz_tx *tx, int64_t judge_id, const json_t *application,
                                  char *reason, size_t size);
/* The team kind that tries cases in state: "fast_track", "ordinary", or NULL
 * when a case in that state is not assigned. */
const char *yz_assign_team_kind_for(const char *state);

#endif
