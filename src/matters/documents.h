/*
 * Document schemas: the structured fields ("type": "document" in a workflow
 * definition) that are too rich for the generic field types, such as a filing
 * application with its parties. Each schema validates its document in full
 * (every problem into fe, paths like "fields/application/parties/0/citizen_id")
 * and returns the prepared form that is stored and recorded: personal data
 * sealed (keys ending in _enc) beside its masked display form (_masked).
 */
#ifndef YZ_MATTERS_DOCUMENTS_H
#define YZ_MATTERS_DOCUMENTS_H

#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"

#include <jansson.h>

struct yz_app;
struct yz_json_hook;

typedef enum yz_err (*yz_document_fn)(struct yz_app *app, const json_t *in, const char *path,
                                      json_t **out, struct yz_field_errors *fe);

/* Prepares a document of schema `name`; *out is new on YZ_OK. */
enum yz_err yz_document_prepare(struct yz_app *app, const char *name, const json_t *in,
                                const char *path, json_t **out, struct yz_field_errors *fe);

/* A copy of v without sealed values (members whose key ends in "_enc"), for output. */
json_t *yz_document_redact(const json_t *v);
/* The same on stored JSON text, appended to out as the text of the redacted
 * value, with hook's member as hook puts it (core/jsoncopy.h; hook may be
 * NULL); false when the text is not in the writer's form or the hook failed:
 * then parse it and use yz_document_redact. */
bool yz_document_redact_text(struct yz_buf *out, const char *json, size_t n,
                             const struct yz_json_hook *hook);

#endif
