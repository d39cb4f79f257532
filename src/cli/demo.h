/* The demo court system's accounts: one per role (documented in the README). */
#ifndef YZ_CLI_DEMO_H
#define YZ_CLI_DEMO_H

#include "app/app.h"

#include <stdbool.h>

/* The password every demo account has. */
#define YZ_DEMO_PASSWORD "Yizhan-Demo-2026"

/* Creates the demo accounts and prints them (staff TOTP secrets included). */
bool yz_demo_create(struct yz_app *app);

#endif
