/*
 * Shared between matters.c (creating and firing) and view.c (reading): a
 * matter's row as loaded for the caller, and the once-per-actor check that
 * both the firing and the list of offered actions apply.
 */
#ifndef YZ_MATTERS_INTERNAL_H
#define YZ_MATTERS_INTERNAL_H

#include "core/error.h"
#include "policy/principal.h"
#include "store/store.h"
#include "workflow/workflow.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_matter_row {
    char kind[48], state[48], title[512], channel[16];
    int64_t court_id, created_at, updated_at, version, created_by;
    char *data;      /* the stored projection: canonical JSON text, malloc'd */
    size_t data_len;
    bool participant; /* who takes part in the matter */
    char capacity[32];
};

/* Loads matter id with who's capacity in it; NOT_FOUND when there is no such
 * matter (the policy is the caller's). Release with yz_matter_row_release. */
enum yz_err yz_matter_row_load(struct yz_tx *tx, const struct yz_principal *who, int64_t id,
                               struct yz_matter_row *out);
void yz_matter_row_release(struct yz_matter_row *row);

/* RULE: once-per-actor (matters.c). */
enum yz_err yz_matter_fired_already(struct yz_tx *tx, int64_t id, const struct yz_wf_event *ev,
                                    const char *state, int64_t user_id, bool *out);

#endif
