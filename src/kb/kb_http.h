/* HTTP adapters of the knowledge base (法律问答): public, read-only. */
#ifndef YZ_KB_KB_HTTP_H
#define YZ_KB_KB_HTTP_H

#include "http/request.h"

/* GET /api/v1/kb?q=&limit= */
extern const struct yz_field_spec yz_kb_search_params[];
/* GET /api/v1/kb/{id} */
extern const struct yz_field_spec yz_kb_id_params[];

enum yz_err yz_kb_http_search(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_kb_http_get(struct yz_req *req, struct yz_resp *resp);

#endif
