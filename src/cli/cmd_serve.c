/* `yizhan serve`: opens the application and serves HTTP until SIGTERM or SIGINT. */
#include "cli/cli_config.h"
#include "cli/commands.h"
#include "app/app.h"
#include "core/log.h"
#include "http/server.h"
#include "notify/sender.h"
#include "system/maintenance.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: yizhan serve [options]\n\n"
    "Serves the JSON API (and the browser UI when built) until SIGTERM or SIGINT.\n\n"
    "options:\n" YZ_CLI_COMMON_HELP
    "  --port-file FILE  write the bound port there once listening (for tests, with --port 0)\n"
    "  --print-config    print the effective configuration and exit\n"
    "  --help            this text\n";

/* The UI is optional (web.root empty = API only); a configured but unbuilt
 * one is worth a line in the log, and its pages answer 503 saying so. */
static void warn_unbuilt_ui(const char *root)
{
    if (!root)
        return;
    char index[4200];
    snprintf(index, sizeof index, "%s/index.html", root);
    if (access(index, R_OK) != 0)
        yz_log_warn("web.root %s has no index.html: the browser UI is not built (run make)", root);
}

/*
 * glibc raises its mmap threshold to the size of any mmapped block freed (up
 * to 32 MB), and its trim threshold to twice that. The 2 MB buffer that reads
 * a catalogue at startup did: from then on blocks up to 2 MB (an upload's
 * buffers, a bulk batch's) came from the arenas instead of mmap, and every
 * arena kept up to 4 MB of freed memory at its top. Setting both thresholds
 * turns the adjustment off, at glibc's defaults, for the life of the process
 * (bench/rss.sh, 256 connections of filings with materials: the peak fell
 * from 50 to 42 MB with this alone).
 */
static void fix_malloc_thresholds(void)
{
    /* The results go unchecked: an allocator other than glibc's (ASan's, in
     * the test builds) declines, and nothing depends on it. */
    (void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    (void)mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

static char *read_file(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct yz_buf b = YZ_BUF_INIT(max);
    char chunk[4096];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ok = yz_buf_add(&b, chunk, n);
    fclose(f);
    if (!ok) {
        yz_buf_release(&b);
        return NULL;
    }
    return yz_buf_detach(&b, NULL);
}

static bool write_port_file(const char *path, int port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return false;
    fprintf(f, "%d\n", port);
    bool ok = fclose(f) == 0 && rename(tmp, path) == 0;
    return ok;
}

int yz_cmd_serve(int argc, char **argv)
{
    enum { OPT_PORT_FILE = 1, OPT_PRINT, OPT_HELP };
    static const struct option opts[] = {
        YZ_CLI_COMMON_OPTIONS,
        {"port-file", required_argument, NULL, OPT_PORT_FILE},
        {"print-config", no_argument, NULL, OPT_PRINT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    struct yz_cli_flags flags = {0};
    const char *port_file = NULL;
    bool print = false;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == OPT_HELP) {
            fputs(usage, stdout);
            return YZ_EXIT_OK;
        } else if (c == OPT_PORT_FILE) {
            port_file = optarg;
        } else if (c == OPT_PRINT) {
            print = true;
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
    if (print) {
        yz_config_dump(&app.cfg, stdout);
        yz_config_release(&app.cfg);
        return YZ_EXIT_OK;
    }
    yz_log_set_level(app.cfg.log.level);
    fix_malloc_thresholds();

    /* Block the stop signals in every thread; this one waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = YZ_EXIT_USAGE;
    char *cert = NULL, *key = NULL;
    struct yz_server *server = NULL;
    struct yz_maintenance *maintenance = NULL;
    struct yz_notify_sender *sender = NULL;
    struct yz_buf err = YZ_BUF_INIT(8192);
    if (yz_app_open(&app, &err) != YZ_OK) {
        fprintf(stderr, "yizhan serve: %s\n", err.data);
        yz_config_release(&app.cfg);
        goto out;
    }
    if (app.cfg.server.tls_cert[0]) {
        cert = read_file(app.cfg.server.tls_cert, 1 << 20);
        key = read_file(app.cfg.server.tls_key, 1 << 20);
        if (!cert || !key) {
            fprintf(stderr, "yizhan serve: cannot read the TLS certificate or key\n");
            goto close;
        }
    }
    struct yz_http_options ho = {
        .address = app.cfg.server.listen_address,
        .port = app.cfg.server.port,
        .threads = app.cfg.server.threads,
        .write_threads = app.cfg.server.write_threads,
        .max_connections = app.cfg.server.max_connections,
        .timeout_s = app.cfg.server.connection_timeout_s,
        .max_body_bytes = app.cfg.server.max_body_bytes,
        .max_upload_bytes = app.cfg.server.max_upload_bytes,
        .max_header_bytes = app.cfg.server.max_header_bytes,
        .max_uri_bytes = app.cfg.server.max_uri_bytes,
        .max_json_depth = app.cfg.server.max_json_depth,
        .public_origin = app.cfg.server.public_origin,
        .tls_cert_pem = cert,
        .tls_key_pem = key,
        .static_dir = app.cfg.web.root[0] ? app.cfg.web.root : NULL,
        .access_log = app.cfg.log.access_log,
    };
    warn_unbuilt_ui(ho.static_dir);
    if (yz_server_start(&app, &ho, &server, &err) != YZ_OK) {
        fprintf(stderr, "yizhan serve: %s\n", err.data);
        goto close;
    }
    /* E-mail and SMS delivery: a bad notify.* setting stops here, before
     * the port file tells anyone that the server is ready. */
    if (yz_notify_sender_start(&app, &sender, &err) != YZ_OK) {
        fprintf(stderr, "yizhan serve: %s\n", err.data);
        goto close;
    }
    int port = yz_server_port(server);
    yz_log_info("listening on %s port %d", ho.address, port);
    if (port_file && !write_port_file(port_file, port)) {
        fprintf(stderr, "yizhan serve: cannot write %s\n", port_file);
        goto close;
    }
    maintenance = yz_maintenance_start(&app, 600);
    int sig = 0;
    sigwait(&stop, &sig);
    yz_log_info("stopping on signal %d", sig);
    rc = YZ_EXIT_OK;
close:
    yz_server_stop(server);
    yz_notify_sender_stop(sender);
    yz_maintenance_stop(maintenance);
    yz_app_close(&app);
    yz_config_release(&app.cfg);
out:
    free(cert);
    free(key);
    yz_buf_release(&err);
    return rc;
}
