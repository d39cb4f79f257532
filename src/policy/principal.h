/*
 * Who is acting: the authenticated account behind a request or CLI command.
 */
#ifndef YZ_POLICY_PRINCIPAL_H
#define YZ_POLICY_PRINCIPAL_H

#include "policy/roles.h"

#include <stdint.h>

struct yz_principal {
    int64_t user_id;     /* 0 = anonymous */
    enum yz_role role;
    int64_t court_id;    /* staff: their court; 0 for parties and lawyers */
    char name[128];
    int64_t reauth_at;   /* last time the password was entered (UTC ms) */
    bool bearer;         /* authenticated by a bearer token (no CSRF needed) */
};

#endif
