/*
 * Named effects: what a workflow event does besides moving the matter to its
 * next state (DESIGN.md "Workflows are data"). Definitions name effects;
 * this table implements them. Every effect runs inside the event's
 * transaction, so its writes commit or roll back with the event.
 */
#ifndef YZ_MATTERS_EFFECTS_H
#define YZ_MATTERS_EFFECTS_H

#include "core/error.h"
#include "core/fielderr.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

struct yz_effect_ctx {
    struct yz_tx *tx;
    struct yz_app *app;
    const struct yz_principal *who;
    int64_t matter_id;
    int64_t court_id;
    const char *kind;
    const char *event;      /* the event that fired */
    const char *event_title;
    const char *channel;
    const json_t *fields;   /* this event's (prepared) fields */
    json_t *data;           /* the matter's projection; effects may add to it */
    json_t *result;         /* what the effect produced (recorded in an event of its own) */
    struct yz_field_errors *fe;
    bool internal;          /* the matter is being created by another effect (forwarding) */
};

typedef enum yz_err (*yz_effect_fn)(struct yz_effect_ctx *c);

/* The implementation of a named effect, or NULL. */
yz_effect_fn yz_effect_find(const char *name);
/* Checks that every name in yz_known_effects has an implementation; false names the first missing one. */
bool yz_effects_complete(const char **missing);

/* Writes an in-app notification to the outbox (recipient: a user, or a court's staff when user is 0). */
enum yz_err yz_notify(struct yz_tx *tx, int64_t matter_id, int64_t user_id, int64_t court_id,
                      const char *template_name, json_t *payload);

#endif
