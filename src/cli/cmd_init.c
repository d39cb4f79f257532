/*
 * `yizhan init`: creates a data directory: keys (mode 0600), the database
 * (migrated), the court list, the knowledge base; with --demo also one
 * account per role.
 */
#include "cli/cli_config.h"
#include "cli/commands.h"
#include "cli/demo.h"
#include "app/app.h"
#include "crypto/keys.h"
#include "kb/kb.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: yizhan init [options] [--demo]\n\n"
    "Creates the data directory (storage.dir): signing and encryption keys, the\n"
    "database, the courts from DATA/courts_chongqing.json (or --courts FILE) and\n"
    "the knowledge base (法律问答) from DATA/kb_lecoqa.jsonl.\n"
    "--demo also creates one demo account for every role (see the README).\n\n"
    "options:\n" YZ_CLI_COMMON_HELP
    "  --courts FILE     the court list to import\n"
    "  --demo            add the demo accounts\n"
    "  --help            this text\n";

struct import_ctx {
    const char *path;
    int imported;
    struct yz_buf *err;
};

static enum yz_err import_tx(struct yz_tx *tx, void *p)
{
    struct import_ctx *c = p;
    return yz_courts_import(tx, c->path, &c->imported, c->err);
}

struct kb_ctx {
    struct yz_app *app;
    const char *path;
    int added;
    struct yz_buf *err;
};

static enum yz_err kb_tx(struct yz_tx *tx, void *p)
{
    struct kb_ctx *c = p;
    return yz_kb_import(tx, c->app, c->path, YZ_KB_SEED_SOURCE, &c->added, c->err);
}

int yz_cmd_init(int argc, char **argv)
{
    enum { OPT_DEMO = 1, OPT_COURTS, OPT_HELP };
    static const struct option opts[] = {
        YZ_CLI_COMMON_OPTIONS,
        {"demo", no_argument, NULL, OPT_DEMO},
        {"courts", required_argument, NULL, OPT_COURTS},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct yz_cli_flags flags = {0};
    bool demo = false;
    const char *courts = NULL;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == OPT_HELP) {
            fputs(usage, stdout);
            return YZ_EXIT_OK;
        } else if (c == OPT_DEMO) {
            demo = true;
        } else if (c == OPT_COURTS) {
            courts = optarg;
        } else if (!yz_cli_flag(&flags, c, optarg)) {
            fputs(usage, stderr);
            return YZ_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return YZ_EXIT_USAGE;
    }
    struct yz_app app;
    memset(&app, 0, sizeof app);
    if (!yz_cli_config(&flags, &app.cfg))
        return YZ_EXIT_USAGE;
    int rc = YZ_EXIT_USAGE;
    struct yz_buf err = YZ_BUF_INIT(8192);
    const char *dir = app.cfg.storage.dir;
    char keys[4096], courts_path[4096];
    snprintf(keys, sizeof keys, "%s/keys", dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "yizhan init: cannot create %s: %s\n", dir, strerror(errno));
        goto out;
    }
    struct stat st;
    if (stat(keys, &st) == 0) {
        fprintf(stderr, "yizhan init: %s already holds keys; refusing to overwrite them\n", dir);
        goto out;
    }
    if (yz_keys_create(dir, &err) != YZ_OK) {
        fprintf(stderr, "yizhan init: %s\n", err.data);
        goto out;
    }
    /* yz_app_open loads courts too: empty until the import below, then reloaded. */
    if (yz_app_open(&app, &err) != YZ_OK) {
        fprintf(stderr, "yizhan init: %s\n", err.data);
        goto out;
    }
    snprintf(courts_path, sizeof courts_path, "%s/courts_chongqing.json", app.cfg.data.dir);
    struct import_ctx ic = {courts ? courts : courts_path, 0, &err};
    if (yz_store_write(app.store, import_tx, &ic) != YZ_OK) {
        fprintf(stderr, "yizhan init: %s\n", err.data);
        goto close;
    }
    yz_courts_release(&app.courts);
    if (yz_courts_load(app.store, &app.courts) != YZ_OK)
        goto close;
    char kb_path[4096];
    snprintf(kb_path, sizeof kb_path, "%s/%s", app.cfg.data.dir, YZ_KB_SEED_FILE);
    struct kb_ctx kc = {&app, kb_path, 0, &err};
    if (yz_store_write(app.store, kb_tx, &kc) != YZ_OK) {
        fprintf(stderr, "yizhan init: %s\n", err.data);
        goto close;
    }
    printf("initialised %s: %d courts, %d knowledge-base entries\n", dir, ic.imported, kc.added);
    if (demo && !yz_demo_create(&app))
        goto close;
    rc = YZ_EXIT_OK;
close:
    yz_app_close(&app);
out:
    yz_config_release(&app.cfg);
    yz_buf_release(&err);
    return rc;
}
