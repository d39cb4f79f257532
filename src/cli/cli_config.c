#include "cli/cli_config.h"

#include <stdio.h>
#include <stdlib.h>

extern char **environ;

bool yz_cli_flag(struct yz_cli_flags *f, int opt, const char *arg)
{
    switch (opt) {
    case YZ_OPT_CONFIG: f->config = arg; return true;
    case YZ_OPT_DIR: f->dir = arg; return true;
    case YZ_OPT_DATA: f->data = arg; return true;
    case YZ_OPT_PORT: f->port = arg; return true;
    case YZ_OPT_SET:
        if (f->nsets == (int)(sizeof f->sets / sizeof f->sets[0]))
            return false;
        f->sets[f->nsets++] = arg;
        return true;
    default: return false;
    }
}

bool yz_cli_config(const struct yz_cli_flags *f, struct yz_config *cfg)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err e = YZ_OK;
    yz_config_defaults(cfg);
    const char *file = f->config ? f->config : getenv("YIZHAN_CONFIG");
    if (file && *file)
        e = yz_config_load_file(cfg, file, &err);
    if (e == YZ_OK)
        e = yz_config_load_env(cfg, environ, &err);
    if (e == YZ_OK && f->dir)
        e = yz_config_set(cfg, "storage.dir", f->dir, "--dir", &err);
    if (e == YZ_OK && f->data)
        e = yz_config_set(cfg, "data.dir", f->data, "--data", &err);
    if (e == YZ_OK && f->port)
        e = yz_config_set(cfg, "server.port", f->port, "--port", &err);
    for (int i = 0; e == YZ_OK && i < f->nsets; i++)
        e = yz_config_set_arg(cfg, f->sets[i], "--set", &err);
    if (e == YZ_OK)
        e = yz_config_check(cfg, &err);
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan: %s\n", err.data);
        yz_config_release(cfg);
    }
    yz_buf_release(&err);
    return e == YZ_OK;
}
