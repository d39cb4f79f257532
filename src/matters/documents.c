#include "matters/documents.h"
#include "filing/filing.h"
#include "mediation/mediation.h"
#include "triage/triage.h"

#include "core/jsoncopy.h"

#include <string.h>

static const struct {
    const char *name;
    yz_document_fn fn;
} schemas[] = {
    {"filing_application", yz_filing_prepare_application},
    {"correction_notice", yz_filing_prepare_correction},
    {"mediation_agreement", yz_mediation_prepare_agreement},
    {"triage_features", yz_triage_prepare_features},
};

enum yz_err yz_document_prepare(struct yz_app *app, const char *name, const json_t *in,
                                const char *path, json_t **out, struct yz_field_errors *fe)
{
    for (size_t i = 0; i < sizeof schemas / sizeof schemas[0]; i++)
        if (strcmp(schemas[i].name, name) == 0)
            return schemas[i].fn(app, in, path, out, fe);
    YZ_BUG("document schema %s has no implementation", name);
}

/* A key as it stands in JSON text: escapes never end in "_enc", so the text
 * ends in it exactly when the decoded key does. */
static bool sealed_key_text(const char *k, size_t n)
{
    return n > 4 && memcmp(k + n - 4, "_enc", 4) == 0;
}

static bool sealed_key(const char *k)
{
    return sealed_key_text(k, strlen(k));
}

bool yz_document_redact_text(struct yz_buf *out, const char *json, size_t n,
                             const struct yz_json_hook *hook)
{
    return yz_json_copy(out, json, n, sealed_key_text, hook);
}

json_t *yz_document_redact(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)v, k, m)
        {
            if (!sealed_key(k))
                json_object_set_new(o, k, yz_document_redact(m));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) json_array_append_new(a, yz_document_redact(m));
        return a;
    }
    return json_deep_copy(v);
}
