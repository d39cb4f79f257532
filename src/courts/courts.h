/*
 * Courts and their hierarchy. The table is small (a province has well under a
 * thousand courts) and changes only through `yizhan init` or an admin action,
 * so the policy reads an in-memory copy loaded at start-up.
 */
#ifndef YZ_COURTS_COURTS_H
#define YZ_COURTS_COURTS_H

#include "core/buf.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yz_tx;
struct yz_store;

struct yz_court {
    int64_t id;
    int64_t parent_id; /* 0 for the top */
    char local_id[16];
    char code[32];     /* "" when the case-number code is not known */
    char name[128];
    char level[16];
    bool special;
};

struct yz_courts {
    struct yz_court *items;
    size_t count;
};

/* Imports a court list file (data/courts_chongqing.json format) inside a write
 * transaction; returns the number imported. Idempotent by local_id. */
enum yz_err yz_courts_import(struct yz_tx *tx, const char *path, int *imported, struct yz_buf *err);
/* Loads every court into memory. */
enum yz_err yz_courts_load(struct yz_store *s, struct yz_courts *out);
void yz_courts_release(struct yz_courts *c);
const struct yz_court *yz_courts_find(const struct yz_courts *c, int64_t id);
const struct yz_court *yz_courts_find_code(const struct yz_courts *c, const char *code_or_local_id);
/* True when court is ancestor or a descendant of it (or the same court). */
bool yz_courts_within(const struct yz_courts *c, int64_t court, int64_t ancestor);
/* The court as a JSON object for the API. */
json_t *yz_court_json(const struct yz_court *court);

#endif
