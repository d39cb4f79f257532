/*
 * The thin HTTP side of bulk filing. Reading and checking the table happens
 * before the write transaction (it seals personal data, which needs no lock);
 * the transaction then only creates what was checked. The CSV report is
 * handed to the server as a file (an unlinked temporary file) because only
 * file responses carry a Content-Disposition, which a download needs.
 */
#include "filing/batch_http.h"
#include "filing/batch.h"
#include "policy/policy.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

const struct yz_field_spec yz_batch_create_body[] = {
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "受理法院"},
    {"title", YZ_V_TEXT, true, 1, 200, NULL, "批次名称"},
    {"template", YZ_V_OBJECT, true, 0, 32, NULL, "起诉状模板"},
    {"csv", YZ_V_LONGTEXT, true, 1, YZ_BATCH_MAX_CSV_BYTES, NULL, "表格（CSV）"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_batch_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "批次编号"},
    YZ_FIELDS_END,
};

#define REPORT_CSV_MAX (32u << 20) /* 2,000 rows x 32 errors x a few hundred bytes, with room */

struct store_ctx {
    const struct yz_batch *batch;
};

static enum yz_err store_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *p)
{
    struct store_ctx *c = p;
    json_t *report = NULL;
    bool created = false;
    enum yz_err e = yz_batch_store(tx, req->app, &req->who, req->channel, c->batch, &report,
                                   &created, &req->fields);
    if (e != YZ_OK)
        return e;
    resp->status = created ? 201 : 200;
    resp->body = report;
    snprintf(resp->location, sizeof resp->location, "/api/v1/filing/batches/%lld",
             (long long)json_integer_value(json_object_get(report, "id")));
    return YZ_OK;
}

enum yz_err yz_batch_http_create(struct yz_req *req, struct yz_resp *resp)
{
    const json_t *csv = json_object_get(req->body, "csv");
    struct yz_batch_input in = {
        .court_id = json_integer_value(json_object_get(req->body, "court_id")),
        .title = json_string_value(json_object_get(req->body, "title")),
        .tmpl = json_object_get(req->body, "template"),
        .csv = json_string_value(csv),
        .csv_len = json_string_length(csv),
    };
    struct yz_batch *b = NULL;
    enum yz_err e = yz_batch_prepare(req->app, &in, &b, &req->fields);
    if (e != YZ_OK)
        return e;
    struct store_ctx c = {b};
    e = yz_req_write(req, resp, store_tx, &c);
    yz_batch_free(b);
    return e;
}

struct read_ctx {
    struct yz_req *req;
    json_t *report;
    bool denied;
};

static enum yz_err get_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_batch_get(tx, &c->req->who, yz_req_param_id(c->req, "id"), &c->report, &c->denied);
}

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct read_ctx *c = p;
    return yz_batch_list(tx, &c->req->who, &c->report);
}

enum yz_err yz_batch_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct read_ctx c = {req, NULL, false};
    enum yz_err e = yz_store_read(req->app->store, list_tx, &c);
    resp->body = c.report;
    return e;
}

/* The report under the owner rule; a denial is recorded after the transaction. */
static enum yz_err read_report(struct yz_req *req, json_t **report)
{
    struct read_ctx c = {req, NULL, false};
    enum yz_err e = yz_store_read(req->app->store, get_tx, &c);
    if (e == YZ_ERR_NOT_FOUND && c.denied)
        yz_policy_record_denial(req->app, &req->who, req->route->name, "read",
                                yz_req_param_id(req, "id"));
    *report = c.report;
    return e;
}

enum yz_err yz_batch_http_get(struct yz_req *req, struct yz_resp *resp)
{
    return read_report(req, &resp->body);
}

/* A temporary file, already unlinked, holding the n bytes at p; -1 on failure. */
static int temp_file_with(const char *p, size_t n)
{
    FILE *f = tmpfile();
    if (!f)
        return -1;
    int fd = -1;
    if (fwrite(p, 1, n, f) == n && fflush(f) == 0)
        fd = dup(fileno(f));
    fclose(f);
    if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

enum yz_err yz_batch_http_report(struct yz_req *req, struct yz_resp *resp)
{
    json_t *report = NULL;
    enum yz_err e = read_report(req, &report);
    if (e != YZ_OK)
        return e;
    struct yz_buf csv = YZ_BUF_INIT(REPORT_CSV_MAX);
    int fd = -1;
    if (!yz_batch_report_csv(report, &csv)) {
        e = YZ_ERR_INTERNAL;
        goto out;
    }
    if ((fd = temp_file_with(csv.data, csv.len)) < 0) {
        e = YZ_ERR_STORAGE_IO;
        goto out;
    }
    long long id = (long long)json_integer_value(json_object_get(report, "id"));
    /* RFC 6266: an ASCII name for old clients, the Chinese one (批量立案结果) for the rest. */
    snprintf(resp->disposition, sizeof resp->disposition,
             "attachment; filename=\"filing-batch-%lld.csv\"; filename*=UTF-8''"
             "%%E6%%89%%B9%%E9%%87%%8F%%E7%%AB%%8B%%E6%%A1%%88%%E7%%BB%%93%%E6%%9E%%9C-%lld.csv",
             id, id);
    resp->file = true;
    resp->file_fd = fd;
    resp->file_size = csv.len;
    resp->content_type = "text/csv; charset=utf-8";
out:
    yz_buf_release(&csv);
    json_decref(report);
    return e;
}
