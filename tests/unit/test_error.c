/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/error.{h,c}: the codes are distinct and negative,
 * every code has its own description, and error_to_kern_return() gives
 * the kern_return_t written out here by hand (the reference, so that a
 * reordered table cannot pass by agreeing with itself).
 */
#include <string.h>

#include <kern/error.h>
#include <kern/macros.h>
#include "tests/unit/tap.h"

static const struct {
    int error;
    const char *name;
    kern_return_t kr;
} expected[] = {
    { ERROR_NOMEM,  "ERROR_NOMEM",  KERN_RESOURCE_SHORTAGE },
    { ERROR_INVAL,  "ERROR_INVAL",  KERN_INVALID_ARGUMENT },
    { ERROR_NOSPC,  "ERROR_NOSPC",  KERN_NO_SPACE },
    { ERROR_EXIST,  "ERROR_EXIST",  KERN_NAME_EXISTS },
    { ERROR_NOENT,  "ERROR_NOENT",  KERN_INVALID_NAME },
    { ERROR_TOOBIG, "ERROR_TOOBIG", KERN_INVALID_VALUE },
    { ERROR_FAULT,  "ERROR_FAULT",  KERN_INVALID_ADDRESS },
    { ERROR_PROT,   "ERROR_PROT",   KERN_PROTECTION_FAILURE },
    { ERROR_INTR,   "ERROR_INTR",   KERN_ABORTED },
    { ERROR_IO,     "ERROR_IO",     KERN_MEMORY_ERROR },
};

int
main(void)
{
    int seen[ARRAY_SIZE(expected) + 1] = { 0 };
    int distinct = 1;

    tap_check(ARRAY_SIZE(expected) == (size_t)-ERROR_MIN,
              "every code from -1 to ERROR_MIN (%d) is listed here", ERROR_MIN);
    for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
        int e = expected[i].error;

        if (e >= 0 || e < ERROR_MIN || seen[-e]++) {
            distinct = 0;
        }
    }
    tap_check(distinct, "codes are negative, within [ERROR_MIN, -1] and distinct");

    for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
        int e = expected[i].error;
        const char *s = error_str(e);
        int unique = 1;

        for (size_t j = 0; j < i; j++) {
            if (strcmp(s, error_str(expected[j].error)) == 0) {
                unique = 0;
            }
        }
        tap_check(error_to_kern_return(e) == expected[i].kr,
                  "%s (%d) converts to kern_return_t %d", expected[i].name, e,
                  expected[i].kr);
        tap_check(unique && strcmp(s, "unknown error") != 0 && strcmp(s, "success") != 0,
                  "%s has its own description: \"%s\"", expected[i].name, s);
    }

    tap_check(error_to_kern_return(0) == KERN_SUCCESS && strcmp(error_str(0), "success") == 0,
              "0 is success, KERN_SUCCESS");
    tap_check(error_to_kern_return(ERROR_MIN - 1) == KERN_FAILURE
              && error_to_kern_return(1) == KERN_FAILURE
              && error_to_kern_return(-1000000) == KERN_FAILURE,
              "values that are no code (ERROR_MIN - 1, 1, -1000000) give KERN_FAILURE");
    tap_check(strcmp(error_str(ERROR_MIN - 1), "unknown error") == 0
              && strcmp(error_str(42), "unknown error") == 0,
              "values that are no code are described as unknown");
    return tap_done();
}
