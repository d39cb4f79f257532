/*
 * The roles of DESIGN.md, as one X-macro list: enum value, stable code,
 * Chinese title, and whether the role is court staff (belongs to one court).
 */
#ifndef YZ_POLICY_ROLES_H
#define YZ_POLICY_ROLES_H

#include <stdbool.h>

#define YZ_ROLES(X)                                          \
    X(PARTY, "party", "当事人", false)                       \
    X(LAWYER, "lawyer", "律师/代理人", false)                \
    X(MEDIATOR, "mediator", "特邀调解员", false)             \
    X(ORG_ADMIN, "org_admin", "调解组织管理员", false)       \
    X(FILING_CLERK, "filing_clerk", "立案员", true)          \
    X(TRIAGE_OFFICER, "triage_officer", "程序分流员", true)  \
    X(JUDGE, "judge", "法官", true)                          \
    X(ASSISTANT, "assistant", "法官助理", true)              \
    X(CLERK, "clerk", "书记员", true)                        \
    X(SERVICE_OFFICER, "service_officer", "送达员", true)    \
    X(PETITION_OFFICER, "petition_officer", "信访接待员", true) \
    X(HOTLINE_AGENT, "hotline_agent", "12368坐席", true)     \
    X(COURT_ADMIN, "court_admin", "法院管理员", true)        \
    X(SUPERVISOR, "supervisor", "上级法院监督员", true)

enum yz_role {
#define YZ_ROLE_ENUM(name, code, title, staff) YZ_ROLE_##name,
    YZ_ROLES(YZ_ROLE_ENUM)
#undef YZ_ROLE_ENUM
        YZ_ROLE__COUNT
};

#define YZ_ROLE_BIT(r) (1u << YZ_ROLE_##r)
#define YZ_ROLES_STAFF                                                                             \
    (YZ_ROLE_BIT(FILING_CLERK) | YZ_ROLE_BIT(TRIAGE_OFFICER) | YZ_ROLE_BIT(JUDGE) |                \
     YZ_ROLE_BIT(ASSISTANT) | YZ_ROLE_BIT(CLERK) | YZ_ROLE_BIT(SERVICE_OFFICER) |                  \
     YZ_ROLE_BIT(PETITION_OFFICER) | YZ_ROLE_BIT(HOTLINE_AGENT) | YZ_ROLE_BIT(COURT_ADMIN) |       \
     YZ_ROLE_BIT(SUPERVISOR))

/* Stable code ("filing_clerk"); NULL for an out-of-range value. */
const char *yz_role_code(enum yz_role r);
const char *yz_role_title(enum yz_role r);
bool yz_role_is_staff(enum yz_role r);
/* Parses a code; returns -1 when unknown. */
int yz_role_parse(const char *code);

#endif
