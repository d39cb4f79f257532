/*
 * HTTP adapters of the attachments area: upload (multipart, streamed to disk
 * by the server: YZ_ROUTE_UPLOAD), download, metadata, and a matter's list.
 */
#ifndef YZ_ATTACHMENTS_ATTACHMENTS_HTTP_H
#define YZ_ATTACHMENTS_ATTACHMENTS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_attachments_id_params[];
extern const struct yz_field_spec yz_attachments_matter_params[];
/* The form fields that may travel with the file (validated by the handler:
 * the route table's body schema describes JSON bodies only). */
extern const struct yz_field_spec yz_attachments_upload_fields[];

/* POST /api/v1/attachments (multipart/form-data: file, matter_id?, kind?,
 * title?) -> 201 {id, sha256, size, mime, name, created_at, ...}: the receipt. */
enum yz_err yz_attachments_http_upload(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/attachments/{id}: the bytes, as an attachment; the download is recorded. */
enum yz_err yz_attachments_http_download(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/attachments/{id}/meta */
enum yz_err yz_attachments_http_meta(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/matters/{id}/attachments?before=&limit= */
enum yz_err yz_attachments_http_list(struct yz_req *req, struct yz_resp *resp);

#endif
