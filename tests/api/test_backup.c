/*
 * Backup and restore drill (SECURITY.md T23): a backup taken while the server
 * serves is restored into a fresh directory with the keys copied apart; the
 * restored content hashes equal the original's and the audit chain verifies;
 * a tampered backup is refused on restore and never left in place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const SKIP[] = {"sessions", NULL};

static void copy_keys(const char *from_dir, const char *to_dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -a '%s/keys' '%s/keys'", to_dir, from_dir, to_dir);
    assert_int_equal(system(cmd), 0);
}

static void restore_drill(void **state)
{
    struct yz_test_server srv = {0};
    yzt_server_start(&srv, true, NULL);
    struct yzt_client party = {.srv = &srv};
    yzt_demo_login(&party, "13800000001");
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:s, s:s}}", "kind", "inquiry", "court_id",
                           (json_int_t)yzt_court_id(&party, "渝0103"), "title", "备份演练",
                           "fields", "question", "如何申请财产保全？", "topic", "procedure",
                           "channel", "web"),
                 &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);

    char work[] = "/tmp/yz-backup-XXXXXX";
    assert_non_null(mkdtemp(work));
    char backup[300], out[4096];
    snprintf(backup, sizeof backup, "%s/yizhan-backup.db", work);
    const char *const take[] = {"backup", "--dir", srv.dir, "--out", backup, NULL};
    int rc = yzt_run_cli(take, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
    const char *const again[] = {"backup", "--dir", srv.dir, "--out", backup, NULL};
    assert_int_equal(yzt_run_cli(again, out, sizeof out), 2); /* never overwrites */
    char original[65];
    yzt_db_snapshot_hash_except(&srv, SKIP, original);

    /* Restore into a fresh directory: same content, verified history. */
    char fresh[300];
    snprintf(fresh, sizeof fresh, "%s/restored", work);
    copy_keys(srv.dir, fresh);
    const char *const put[] = {"restore", "--dir", fresh, "--from", backup, NULL};
    rc = yzt_run_cli(put, out, sizeof out);
    if (rc != 0)
        print_error("%s\n", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "verified"));
    struct yz_test_server restored = {0};
    snprintf(restored.dir, sizeof restored.dir, "%.200s", fresh);
    snprintf(restored.db_path, sizeof restored.db_path, "%.200s/yizhan.db", fresh);
    char copy[65];
    yzt_db_snapshot_hash_except(&restored, SKIP, copy);
    assert_string_equal(original, copy);
    assert_int_equal(yzt_run_cli(put, out, sizeof out), 2); /* never over a live database */

    /* A tampered backup is refused and does not stay in place. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(backup, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER events_no_update;"
                                  "UPDATE events SET payload = replace(payload, '保全', '执行')"
                                  " WHERE payload LIKE '%保全%';",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
    char bad[300];
    snprintf(bad, sizeof bad, "%s/tampered", work);
    copy_keys(srv.dir, bad);
    const char *const put_bad[] = {"restore", "--dir", bad, "--from", backup, NULL};
    rc = yzt_run_cli(put_bad, out, sizeof out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "does not verify"));
    char live[400];
    snprintf(live, sizeof live, "%s/yizhan.db", bad);
    struct stat st;
    assert_int_not_equal(stat(live, &st), 0);

    yzt_server_stop(&srv);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", work);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore_drill),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
