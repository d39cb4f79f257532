/* The data directory's database for maintenance commands (cli_store.h). */
#include "cli/cli_store.h"
#include "cli/commands.h"
#include "core/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_DB_PATH 4096

const char *yz_cli_data_dir(const char *dir)
{
    if (dir)
        return dir;
    const char *env = getenv("YIZHAN_STORAGE_DIR");
    return env && *env ? env : "var";
}

int yz_cli_open_store(const char *cmd, const char *dir, bool writable, struct yz_store **out)
{
    *out = NULL;
    if (dir && !*dir) {
        fprintf(stderr, "yizhan %s：--dir 不能为空\n", cmd);
        return YZ_EXIT_USAGE;
    }
    dir = yz_cli_data_dir(dir);
    char db[MAX_DB_PATH];
    int w = snprintf(db, sizeof db, "%s/yizhan.db", dir);
    if (w < 0 || (size_t)w >= sizeof db) {
        fprintf(stderr, "yizhan %s：路径过长：%s\n", cmd, dir);
        return YZ_EXIT_USAGE;
    }
    if (access(db, writable ? R_OK | W_OK : R_OK) != 0) {
        fprintf(stderr, "yizhan %s：无法%s数据库 %s：%s\n", cmd, writable ? "读写" : "读取", db,
                strerror(errno));
        return YZ_EXIT_USAGE;
    }
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store_options so = {.path = db, .busy_timeout_ms = 5000, .max_rows = 200,
                                  .connections = 1};
    enum yz_err e = yz_store_open(&so, out, &err);
    if (e != YZ_OK)
        fprintf(stderr, "yizhan %s：无法打开数据库 %s：%s\n", cmd, db, err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? YZ_EXIT_OK : YZ_EXIT_USAGE;
}
