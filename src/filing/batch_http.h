/* HTTP adapters of bulk filing (batch.h): upload a batch, read its report, download it as CSV. */
#ifndef YZ_FILING_BATCH_HTTP_H
#define YZ_FILING_BATCH_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_batch_create_body[];
extern const struct yz_field_spec yz_batch_id_params[];

/* POST /api/v1/filing/batches: 201 with the report, or 200 with the report of
 * the same batch uploaded before (nothing created). */
enum yz_err yz_batch_http_create(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/filing/batches: the caller's own batches with their counts. */
enum yz_err yz_batch_http_list(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/filing/batches/{id}: the report, to its uploader only (else 404). */
enum yz_err yz_batch_http_get(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/filing/batches/{id}/report.csv: the report as a CSV download. */
enum yz_err yz_batch_http_report(struct yz_req *req, struct yz_resp *resp);

#endif
