/*
 * HTTP adapters of the notifications area (notifications.h): the caller's
 * in-app notifications and marking one read. Both need a signed-in caller;
 * what each caller sees is decided in notifications.c.
 */
#ifndef YZ_NOTIFICATIONS_NOTIFICATIONS_HTTP_H
#define YZ_NOTIFICATIONS_NOTIFICATIONS_HTTP_H

#include "http/request.h"

extern const struct yz_field_spec yz_notifications_list_params[];
extern const struct yz_field_spec yz_notifications_id_params[];

/* GET /api/v1/notifications?unread=true|false&before=ID&limit=N
 * -> 200 {"items": [...], "limit": N[, "next_before": ID]}, newest first. */
enum yz_err yz_notifications_http_list(struct yz_req *req, struct yz_resp *resp);
/* POST /api/v1/notifications/{id}/read (no body) -> 200 the item, read: true;
 * 404 for a notification that is missing or not the caller's (denial recorded). */
enum yz_err yz_notifications_http_read(struct yz_req *req, struct yz_resp *resp);

#endif
