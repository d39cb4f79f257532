/* HTTP adapters of the filing area: the clerk's queue, overdue counts, progress lookup. */
#ifndef YZ_FILING_FILING_HTTP_H
#define YZ_FILING_FILING_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_filing_queue_params[];
extern const struct yz_field_spec yz_filing_progress_params[];

enum yz_err yz_filing_http_queue(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_filing_http_overdue(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_filing_http_progress(struct yz_req *req, struct yz_resp *resp);
extern const struct yz_field_spec yz_filing_matter_params[];
enum yz_err yz_filing_http_materials(struct yz_req *req, struct yz_resp *resp);

#endif
