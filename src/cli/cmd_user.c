/*
 * `yizhan user add`: creates an account from the command line (the first
 * court admin of a new court system, for instance); `yizhan user code` prints
 * a staff member's current TOTP code (for the demo, where nobody has the
 * authenticator app the secret was meant for).
 */
#include "cli/cli_config.h"
#include "cli/commands.h"
#include "accounts/accounts.h"
#include "app/app.h"
#include "core/clock.h"
#include "crypto/pii.h"
#include "crypto/totp.h"
#include "store/store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: yizhan user add --role ROLE --name NAME [--username U --court CODE]\n"
    "                       [--phone P] [--citizen-id ID] [options]\n"
    "       yizhan user code USERNAME [options]\n\n"
    "add reads the password from standard input (one line), never from the command line.\n"
    "Staff (court roles) need --username and --court (a court code such as 渝0103); their TOTP\n"
    "secret is printed once. code prints a staff member's current TOTP code.\n\n"
    "options:\n" YZ_CLI_COMMON_HELP "  --help            this text\n";

static struct yz_sql_def q_totp = YZ_SQL("SELECT totp_secret_enc FROM users WHERE username = ?");

struct code_ctx {
    const char *username;
    char *enc;
};

static enum yz_err code_tx(struct yz_tx *tx, void *p)
{
    struct code_ctx *c = p;
    struct yz_stmt *st = yz_sql(tx, &q_totp);
    yz_bind_text(st, 1, c->username);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e == YZ_OK && row && !yz_col_null(st, 0))
        c->enc = yz_strdup(yz_col_text(st, 0));
    return e;
}

static int print_code(struct yz_app *app, const char *username)
{
    struct code_ctx c = {username, NULL};
    char *secret = NULL;
    char code[YZ_TOTP_CODE_SIZE];
    int rc = YZ_EXIT_NO;
    if (yz_store_read(app->store, code_tx, &c) == YZ_OK && c.enc &&
        yz_pii_open(app->keys, c.enc, "users.totp", &secret) == YZ_OK &&
        yz_totp_code(secret, yz_time_now_ms() / 1000, code) == YZ_OK) {
        printf("%s\n", code);
        rc = YZ_EXIT_OK;
    } else {
        fprintf(stderr, "yizhan user code: no TOTP secret for %s\n", username);
    }
    yz_pii_free(secret);
    free(c.enc);
    return rc;
}

int yz_cmd_user(int argc, char **argv)
{
    enum { OPT_ROLE = 1, OPT_NAME, OPT_USERNAME, OPT_COURT, OPT_PHONE, OPT_CID, OPT_HELP };
    static const struct option opts[] = {
        YZ_CLI_COMMON_OPTIONS,
        {"role", required_argument, NULL, OPT_ROLE},
        {"name", required_argument, NULL, OPT_NAME},
        {"username", required_argument, NULL, OPT_USERNAME},
        {"court", required_argument, NULL, OPT_COURT},
        {"phone", required_argument, NULL, OPT_PHONE},
        {"citizen-id", required_argument, NULL, OPT_CID},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct yz_cli_flags flags = {0};
    struct yz_account_input in = {0};
    const char *court = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP: fputs(usage, stdout); return YZ_EXIT_OK;
        case OPT_ROLE: in.role = optarg; break;
        case OPT_NAME: in.name = optarg; break;
        case OPT_USERNAME: in.username = optarg; break;
        case OPT_COURT: court = optarg; break;
        case OPT_PHONE: in.phone = optarg; break;
        case OPT_CID: in.citizen_id = optarg; break;
        default:
            if (!yz_cli_flag(&flags, c, optarg)) {
                fputs(usage, stderr);
                return YZ_EXIT_USAGE;
            }
        }
    }
    bool add = optind < argc && strcmp(argv[optind], "add") == 0 && optind + 1 == argc;
    bool code = optind + 2 == argc && strcmp(argv[optind], "code") == 0;
    if (!add && !code) {
        fputs(usage, stderr);
        return YZ_EXIT_USAGE;
    }
    struct yz_app app;
    memset(&app, 0, sizeof app);
    if (!yz_cli_config(&flags, &app.cfg))
        return YZ_EXIT_USAGE;
    int rc = YZ_EXIT_USAGE;
    struct yz_buf err = YZ_BUF_INIT(8192);
    if (yz_app_open(&app, &err) != YZ_OK) {
        fprintf(stderr, "yizhan user: %s\n", err.data);
        goto out;
    }
    if (code) {
        rc = print_code(&app, argv[optind + 1]);
        goto close;
    }
    char password[600];
    if (!fgets(password, sizeof password, stdin)) {
        fprintf(stderr, "yizhan user add: give the password on standard input\n");
        goto close;
    }
    password[strcspn(password, "\r\n")] = '\0';
    in.password = password;
    if (court) {
        const struct yz_court *k = yz_courts_find_code(&app.courts, court);
        if (!k) {
            fprintf(stderr, "yizhan user add: no court %s\n", court);
            goto close;
        }
        in.court_id = k->id;
    }
    struct yz_account_prepared p;
    struct yz_field_errors fe = {0};
    enum yz_err e = yz_account_prepare(&app, &in, &p, &fe);
    if (e == YZ_OK) {
        int64_t id;
        e = yz_account_insert_as_system(&app, &p, &id);
        if (e == YZ_OK) {
            printf("created user %lld (%s)\n", (long long)id, p.role);
            if (p.totp_secret[0])
                printf("totp secret: %s\n", p.totp_secret);
            rc = YZ_EXIT_OK;
        }
        yz_account_prepared_release(&p);
    }
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan user add: %s\n", yz_err_message(e));
        for (int i = 0; i < fe.count; i++)
            fprintf(stderr, "  %s: %s\n", fe.items[i].field, fe.items[i].message);
    }
    sodium_memzero(password, sizeof password);
close:
    yz_app_close(&app);
out:
    yz_config_release(&app.cfg);
    yz_buf_release(&err);
    return rc;
}
