/* HTTP adapter of the fee calculator: GET /api/v1/fees/quote (public). */
#ifndef YZ_FEES_FEES_HTTP_H
#define YZ_FEES_FEES_HTTP_H

#include "http/request.h"

/* Query parameters of fees.quote; the router validates them before the handler runs. */
extern const struct yz_field_spec yz_fees_quote_params[];

/*
 * Quotes the fee for the query (amounts in fen). Returns YZ_OK with the quote
 * JSON (yz_fee_quote_json) as the body, or YZ_ERR_VALIDATION with
 * req->fields naming the query parameters ("query/amount_fen", ...).
 * National ranges are quoted: the province's own figures are not configured
 * yet, so ranged items come back as ranges.
 */
enum yz_err yz_fees_http_quote(struct yz_req *req, struct yz_resp *resp);

#endif
