/* HTTP adapters of the catalogue area: public, read-only lookups. */
#ifndef YZ_CATALOG_CATALOG_HTTP_H
#define YZ_CATALOG_CATALOG_HTTP_H

#include "catalog/catalog.h"
#include "http/request.h"

/* GET /api/v1/causes?revision=&q=&parent=&limit= */
extern const struct yz_field_spec yz_catalog_causes_params[];
/* GET /api/v1/causes/{id}?revision= */
extern const struct yz_field_spec yz_catalog_cause_params[];
/* GET /api/v1/case-types?code= */
extern const struct yz_field_spec yz_catalog_case_types_params[];
/* GET /api/v1/materials/{cause_id}?revision=&attached= */
extern const struct yz_field_spec yz_catalog_materials_params[];

enum yz_err yz_catalog_http_causes(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_catalog_http_cause(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_catalog_http_case_types(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_catalog_http_materials(struct yz_req *req, struct yz_resp *resp);

/* A materials check as JSON: {complete, missing[], optional[], unknown[]}. */
json_t *yz_catalog_materials_check_json(const struct yz_materials_check *chk);

#endif
