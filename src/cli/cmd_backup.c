/*
 * `yizhan backup` and `yizhan restore`. A backup is a consistent copy of the
 * database taken with SQLite's online backup API while the server keeps
 * serving; it is written to a temporary name, fsync'd and renamed, so a
 * half-written backup never carries the final name. The keys are not in it:
 * they are secrets and are backed up separately (DIR/keys, mode 0600).
 * A restore refuses to overwrite a database, copies the backup into place
 * durably, then proves it: the schema opens and the audit chain verifies
 * with the directory's public key.
 */
#include "cli/cli_config.h"
#include "cli/commands.h"
#include "audit/verify.h"
#include "crypto/keys.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char backup_usage[] =
    "usage: yizhan backup --out FILE [--dir DIR]\n\n"
    "Copies the database consistently while the server may keep running (SQLite online\n"
    "backup). The keys (DIR/keys) are secrets and are not included: back them up apart.\n"
    "exit 0 ok, 1 the copy failed, 2 bad usage\n";
static const char restore_usage[] =
    "usage: yizhan restore --from FILE [--dir DIR]\n\n"
    "Puts a backup in place as DIR/yizhan.db (refused when one exists: move it away first),\n"
    "then opens it and verifies the audit chain with DIR/keys/audit_ed25519.pub.\n"
    "exit 0 restored and verified, 1 the backup is damaged or does not verify, 2 bad usage\n";

static bool fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

static void dir_of(const char *path, char *out, size_t size)
{
    yz_strlcpy(out, path, size);
    char *slash = strrchr(out, '/');
    if (slash)
        *(slash == out ? slash + 1 : slash) = '\0';
    else
        yz_strlcpy(out, ".", size);
}

static int parse(int argc, char **argv, const char *usage, const char **file, const char **dir)
{
    *file = NULL;
    *dir = "var";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (i + 1 < argc && (strcmp(argv[i], "--out") == 0 || strcmp(argv[i], "--from") == 0)) {
            *file = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--dir") == 0) {
            *dir = argv[++i];
        } else {
            fputs(usage, stderr);
            return YZ_EXIT_USAGE;
        }
    }
    if (!*file || strlen(*file) > 3000 || strlen(*dir) > 3000) {
        fputs(usage, stderr);
        return YZ_EXIT_USAGE;
    }
    return 0;
}

static struct yz_store *open_store(const char *path, struct yz_buf *err)
{
    struct yz_store_options so = {.path = path, .busy_timeout_ms = 5000, .connections = 1};
    struct yz_store *s = NULL;
    if (yz_store_open(&so, &s, err) != YZ_OK)
        return NULL;
    return s;
}

int yz_cmd_backup(int argc, char **argv)
{
    const char *out, *dir;
    int rc = parse(argc, argv, backup_usage, &out, &dir);
    if (rc)
        return rc < 0 ? YZ_EXIT_OK : rc;
    char db[4096], tmp[4096], parent[4096];
    snprintf(db, sizeof db, "%s/yizhan.db", dir);
    snprintf(tmp, sizeof tmp, "%s.partial", out);
    struct stat st;
    if (stat(db, &st) != 0) {
        fprintf(stderr, "yizhan backup: no database at %s\n", db);
        return YZ_EXIT_USAGE;
    }
    if (stat(out, &st) == 0) {
        fprintf(stderr, "yizhan backup: %s exists; refusing to overwrite it\n", out);
        return YZ_EXIT_USAGE;
    }
    struct yz_buf err = YZ_BUF_INIT(2048);
    struct yz_store *s = open_store(db, &err);
    rc = YZ_EXIT_NO;
    unlink(tmp);
    if (s && yz_store_backup(s, tmp, &err) == YZ_OK && fsync_path(tmp, O_RDONLY) &&
        rename(tmp, out) == 0) {
        dir_of(out, parent, sizeof parent);
        fsync_path(parent, O_RDONLY | O_DIRECTORY);
        printf("backup written to %s (schema %d)\n", out, yz_store_schema_version(s));
        rc = YZ_EXIT_OK;
    } else {
        fprintf(stderr, "yizhan backup: %s\n", err.len ? err.data : strerror(errno));
        unlink(tmp);
    }
    yz_store_close(s);
    yz_buf_release(&err);
    return rc;
}

static bool copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = in >= 0 && out >= 0;
    char buf[65536];
    ssize_t n;
    while (ok && (n = read(in, buf, sizeof buf)) > 0)
        ok = write(out, buf, (size_t)n) == n;
    ok = ok && n == 0 && fsync(out) == 0;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return ok;
}

int yz_cmd_restore(int argc, char **argv)
{
    const char *from, *dir;
    int rc = parse(argc, argv, restore_usage, &from, &dir);
    if (rc)
        return rc < 0 ? YZ_EXIT_OK : rc;
    char db[4096], tmp[4096], pub_path[4096];
    snprintf(db, sizeof db, "%s/yizhan.db", dir);
    snprintf(tmp, sizeof tmp, "%s/yizhan.db.restoring", dir);
    snprintf(pub_path, sizeof pub_path, "%s/keys/audit_ed25519.pub", dir);
    struct stat st;
    if (stat(db, &st) == 0) {
        fprintf(stderr, "yizhan restore: %s exists; move it away first\n", db);
        return YZ_EXIT_USAGE;
    }
    struct yz_buf err = YZ_BUF_INIT(2048);
    unsigned char pub[YZ_SIGN_PUB_BYTES];
    if (yz_keys_read_pub(pub_path, pub, &err) != YZ_OK) {
        fprintf(stderr, "yizhan restore: %s\n", err.data);
        yz_buf_release(&err);
        return YZ_EXIT_USAGE;
    }
    unlink(tmp);
    if (!copy_file(from, tmp) || rename(tmp, db) != 0 ||
        !fsync_path(dir, O_RDONLY | O_DIRECTORY)) {
        fprintf(stderr, "yizhan restore: cannot copy %s into %s: %s\n", from, db, strerror(errno));
        unlink(tmp);
        yz_buf_release(&err);
        return YZ_EXIT_NO;
    }
    /* Prove it: the schema opens and the history verifies. */
    struct yz_store *s = open_store(db, &err);
    struct yz_audit_report report;
    rc = YZ_EXIT_NO;
    if (!s) {
        fprintf(stderr, "yizhan restore: the restored database does not open: %s\n", err.data);
    } else if (yz_audit_verify(s, pub, &report) != YZ_OK) {
        fprintf(stderr, "yizhan restore: the restored history does not verify: %s\n",
                report.detail);
    } else {
        printf("restored %s: %lld events, %lld checkpoints verified\n", db,
               (long long)report.events_checked, (long long)report.checkpoints_checked);
        rc = YZ_EXIT_OK;
    }
    yz_store_close(s);
    if (rc != YZ_EXIT_OK) {
        /* Keep the evidence but never leave it looking like a live database. */
        char bad[4200];
        snprintf(bad, sizeof bad, "%s.unverified", db);
        rename(db, bad);
    }
    yz_buf_release(&err);
    return rc;
}
