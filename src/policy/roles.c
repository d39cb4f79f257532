#include "policy/roles.h"

#include <string.h>

static const struct {
    const char *code, *title;
    bool staff;
} roles[] = {
#define YZ_ROLE_ROW(name, code, title, staff) {code, title, staff},
    YZ_ROLES(YZ_ROLE_ROW)
#undef YZ_ROLE_ROW
};

const char *yz_role_code(enum yz_role r)
{
    return (int)r >= 0 && r < YZ_ROLE__COUNT ? roles[r].code : NULL;
}

const char *yz_role_title(enum yz_role r)
{
    return (int)r >= 0 && r < YZ_ROLE__COUNT ? roles[r].title : NULL;
}

bool yz_role_is_staff(enum yz_role r)
{
    return (int)r >= 0 && r < YZ_ROLE__COUNT && roles[r].staff;
}

int yz_role_parse(const char *code)
{
    for (int i = 0; i < YZ_ROLE__COUNT; i++)
        if (strcmp(code, roles[i].code) == 0)
            return i;
    return -1;
}
