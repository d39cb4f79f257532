/*
 * HTTP adapters of the notify area (notify.h): a signed-in person sets their
 * notification e-mail address, and a court admin sees the e-mail and SMS
 * notifications about their court's matters with their delivery status.
 */
#ifndef YZ_NOTIFY_NOTIFY_HTTP_H
#define YZ_NOTIFY_NOTIFY_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_notify_email_body[];
extern const struct yz_field_spec yz_notify_outbox_params[];

/* POST /api/v1/me/email {"email": "..."} -> 200 {"email": masked, "changed": bool};
 * 400 with a field error on "email" for an address notify.h does not accept. */
enum yz_err yz_notify_http_set_email(struct yz_req *req, struct yz_resp *resp);
/* GET /api/v1/outbox?status=pending|sent|failed&before=ID&limit=N (court admins)
 * -> 200 {"items": [...], "limit": N[, "next_before": ID]}, newest first. */
enum yz_err yz_notify_http_outbox(struct yz_req *req, struct yz_resp *resp);

#endif
