/*
 * Bulk filing (批量立案) for institutional litigants (banks, card issuers,
 * property managers) and the lawyers who file for them: one upload of many
 * similar complaints. The upload is a template (what every complaint shares:
 * cause, case type, fee kind, the plaintiff, agents, service address,
 * evidence list, attachments, optionally default claims and facts) and a
 * CSV table with one complaint per row (the defendant, the amount, the claims
 * and facts). Each row is merged with the template into a filing application
 * and validated exactly as an online filing is (yz_filing_prepare_application);
 * every valid row becomes a filing matter with channel "bulk", invalid rows
 * are reported with their errors, and nothing is stored until every row has
 * been checked. Excel workbooks are not read: users save them as
 * "CSV UTF-8".
 *
 * Columns (header row; English names or the Chinese ones, in any order; only
 * defendant_name is mandatory as a column):
 *   defendant_name         被告姓名/名称
 *   defendant_kind         被告类型: natural|legal|other (自然人|法人|非法人组织),
 *                          natural when empty
 *   defendant_citizen_id   被告身份证号: natural persons only
 *   defendant_credit_code  被告统一社会信用代码: organisations only
 *   defendant_phone        被告电话
 *   defendant_address      被告住址
 *   amount_yuan            标的额（元）: e.g. 12345.67, at most two decimals, exact to the fen
 *   claims                 诉讼请求: the template's claims when empty
 *   facts                  事实与理由: the template's facts when empty
 * Cells are trimmed of surrounding spaces and tabs; an empty cell is an absent
 * value. Rows whose cells are all empty are skipped (spreadsheets export them).
 *
 * Numbering: "row" n is the n-th data row (the header is not counted, skipped
 * empty rows neither); "line" is the physical line of the file on which the
 * row starts (the header is line 1), for finding it in a text editor. Row
 * errors are named "rows/<n>/<column>" with the English column name.
 *
 * Batches are found again by content: the SHA-256 of (court, template, table
 * bytes) is unique per uploader, so uploading the same batch again returns
 * the first report and creates nothing. The title is not part of it.
 *
 * Uploads the template names (power of attorney, business licence, evidence)
 * must be the uploader's own; each matter gets its own row for the shared
 * file through the filing's attach_uploads effect. At most 20 distinct ones.
 */
#ifndef YZ_FILING_BATCH_H
#define YZ_FILING_BATCH_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

#define YZ_BATCH_MAX_CSV_BYTES (1024 * 1024) /* the table, in bytes */
#define YZ_BATCH_MAX_ROWS 2000               /* data rows, the header not counted */
#define YZ_BATCH_MAX_FIELD_BYTES 20000       /* one cell, after unquoting */
#define YZ_BATCH_MAX_COLUMNS 32

struct yz_batch_input {
    int64_t court_id;
    const char *title;  /* the batch's name (1-200 characters, checked by the caller) */
    const json_t *tmpl; /* the template object */
    const char *csv;    /* the table: csv_len bytes of UTF-8 */
    size_t csv_len;
};

/* A checked upload, ready to be stored. */
struct yz_batch;

/*
 * Reads the table and checks every row. Problems with the upload as a whole
 * go to fe and return YZ_ERR_VALIDATION: the court does not exist; the table
 * is over the limits, cannot be read (field "csv", with the line), has no
 * header or no data rows, or an unknown, repeated or missing column (field
 * "csv"); the template has unknown members or bad common values (fields
 * "template/..."; e.g. "template/plaintiff/credit_code"). Problems of single
 * rows do not fail: they are kept for the report. Other errors (sealing
 * personal data failed) are returned as they are. *out is new on YZ_OK;
 * release it with yz_batch_free.
 */
enum yz_err yz_batch_prepare(struct yz_app *app, const struct yz_batch_input *in,
                             struct yz_batch **out, struct yz_field_errors *fe);
void yz_batch_free(struct yz_batch *b);

/* Rows, and rows that will become matters. */
size_t yz_batch_rows(const struct yz_batch *b);
size_t yz_batch_accepted(const struct yz_batch *b);
/* The content hash (64 lower-case hex digits). */
const char *yz_batch_sha256(const struct yz_batch *b);

/*
 * Stores b inside tx (a write transaction) as who, whose request came over
 * channel (recorded in the events). When who already uploaded a batch with
 * the same content: *created = false and *report is that batch's report,
 * nothing is written. Otherwise: one filing matter per valid row (event
 * "submit" with channel "bulk", so it is in the court's filing queue), the
 * batch row, and the event "filing_batch.created" on stream "batch/<id>"
 * (counts, hash and matter ids; no personal data); *created = true.
 * An upload the template names that is not who's own: YZ_ERR_VALIDATION
 * with "template/..." fields in fe.
 * *report (new reference) is
 *   {"id", "court_id", "title", "created_at", "rows", "accepted", "rejected",
 *    "items": [{"row", "line", "status": "accepted", "matter_id"} |
 *              {"row", "line", "status": "rejected", "errors": [{"field", "code", "message"}]
 *               [, "errors_omitted"]}]}
 * A row that fails when its matter is created (it passed the checks, so
 * only an error of the system) fails the whole call: its field errors go to
 * fe as "rows/<n>/...", and the caller's transaction must be rolled back.
 */
enum yz_err yz_batch_store(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                           const char *channel, const struct yz_batch *b, json_t **report,
                           bool *created, struct yz_field_errors *fe);

/*
 * The report of batch id (shape as above) when who uploaded it. Anyone else
 * gets YZ_ERR_NOT_FOUND exactly as for a missing batch; *denied (may be NULL)
 * then says whether the batch exists, so the caller can record the denial.
 */
enum yz_err yz_batch_get(struct yz_tx *tx, const struct yz_principal *who, int64_t id,
                         json_t **report, bool *denied);

/*
 * who's own batches, newest first (at most the store's row limit):
 *   {"items": [{"id", "court_id", "title", "created_at", "rows", "accepted", "rejected"}],
 *    "truncated"}
 */
enum yz_err yz_batch_list(struct yz_tx *tx, const struct yz_principal *who, json_t **out);

/*
 * The report as CSV for spreadsheets: a UTF-8 byte-order mark (so that Excel
 * reads UTF-8), then the header 行号,结果,事项编号,错误说明,原文件行号 and one
 * CRLF-terminated record per row; errors are "<column title>：<message>"
 * joined by "；". Appends to out; false when out's maximum is reached.
 */
bool yz_batch_report_csv(const json_t *report, struct yz_buf *out);

#endif
