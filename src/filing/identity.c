/*
 * A party's identity as one string, for the keyed hashes that find the same
 * person or organisation across filings (triage's related and repeat cases,
 * class-case grouping). The citizen ID is sealed in the application and only
 * opened in memory here; callers hash the result and wipe it.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "crypto/pii.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

enum yz_err yz_filing_party_identity(struct yz_app *app, const json_t *party, char *out,
                                     size_t size)
{
    out[0] = '\0';
    /* An organisation's credit code comes first: a legal person is known by it
     * even when the filing also names its representative's ID. */
    const char *code = json_string_value(json_object_get(party, "credit_code"));
    if (code && *code) {
        snprintf(out, size, "uscc:%.40s", code);
        return YZ_OK;
    }
    const char *sealed = json_string_value(json_object_get(party, "citizen_id_enc"));
    if (!sealed)
        return YZ_OK;
    char *plain = NULL;
    enum yz_err e = yz_pii_open(app->keys, sealed, "filing.citizen_id", &plain);
    if (e == YZ_OK)
        snprintf(out, size, "cid:%.40s", plain);
    yz_pii_free(plain);
    return e;
}
