/*
 * The mediation room of a matter: messages between the mediator and the
 * parties, joint (every participant) or private (a party and the mediator),
 * and scheduled sessions. Every message and session is an event on the
 * matter's history; a message's event carries the SHA-256 of its text, not
 * the text, so the history proves what was said without showing a private
 * message to the other side.
 */
#ifndef YZ_MEDIATION_ROOM_H
#define YZ_MEDIATION_ROOM_H

#include "http/request.h"

#define YZ_ROOM_MESSAGE_MAX 5000 /* characters */

extern const struct yz_field_spec yz_room_matter_params[];
extern const struct yz_field_spec yz_room_message_body[];
extern const struct yz_field_spec yz_room_session_body[];
extern const struct yz_field_spec yz_room_list_params[];

enum yz_err yz_room_http_post_message(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_room_http_messages(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_room_http_post_session(struct yz_req *req, struct yz_resp *resp);
enum yz_err yz_room_http_sessions(struct yz_req *req, struct yz_resp *resp);

#endif
