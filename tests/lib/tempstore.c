#include "tempstore.h"

#include <stdio.h>
#include <stdlib.h>

enum yz_err yzt_tempstore_open(char *dir, struct yz_keys **keys, struct yz_store **store)
{
    if (!mkdtemp(dir)) {
        fprintf(stderr, "setup: cannot create %s\n", dir);
        return YZ_ERR_STORAGE_IO;
    }
    struct yz_buf err = YZ_BUF_INIT(256);
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    struct yz_store_options o = {.path = path, .connections = 2};
    enum yz_err e = yz_keys_create(dir, &err);
    if (e == YZ_OK)
        e = yz_keys_load(dir, keys, &err);
    if (e == YZ_OK)
        e = yz_store_open(&o, store, &err);
    if (e != YZ_OK)
        fprintf(stderr, "setup: %s\n", err.data);
    yz_buf_release(&err);
    return e;
}
