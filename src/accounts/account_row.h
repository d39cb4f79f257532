/*
 * One account's row as the code that decides about it reads it: the staff
 * admin (staff.c) and the assignment of cases (src/assignment) both load the
 * account by id this way. Access stays with the callers and policy.c.
 */
#ifndef YZ_ACCOUNTS_ACCOUNT_ROW_H
#define YZ_ACCOUNTS_ACCOUNT_ROW_H

#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

struct yz_tx;

struct yz_account_row {
    int64_t id;
    int64_t court_id; /* 0: no court (parties, lawyers) */
    char role[32];    /* role code as stored */
    char name[401];   /* up to 100 characters of up to 4 bytes (accounts.c) */
    bool active;      /* status 'active' */
    bool staff;       /* person_kind 'staff' */
};

/* YZ_ERR_NOT_FOUND when there is no account id. */
enum yz_err yz_account_row_load(struct yz_tx *tx, int64_t id, struct yz_account_row *out);

#endif
