/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptions of the ERROR_* codes and their conversion to Mach's
 * kern_return_t. One table indexed by -error keeps both next to each
 * other, so adding a code is one line here and one in kern/error.h; the
 * unit test (tests/unit/test_error.c) checks the table is complete.
 */
#include <stddef.h>

#include <kern/error.h>
#include <kern/macros.h>

struct error_info {
    const char *str;
    kern_return_t kr;
};

static const struct error_info error_table[] = {
    [0]             = { "success",          KERN_SUCCESS },
    [-ERROR_NOMEM]  = { "out of memory",    KERN_RESOURCE_SHORTAGE },
    [-ERROR_INVAL]  = { "invalid argument", KERN_INVALID_ARGUMENT },
    [-ERROR_NOSPC]  = { "no space left",    KERN_NO_SPACE },
    [-ERROR_EXIST]  = { "already exists",   KERN_NAME_EXISTS },
    [-ERROR_NOENT]  = { "not found",        KERN_INVALID_NAME },
    [-ERROR_TOOBIG] = { "too big",          KERN_INVALID_VALUE },
    [-ERROR_FAULT]  = { "bad address",      KERN_INVALID_ADDRESS },
    [-ERROR_PROT]   = { "protection failure", KERN_PROTECTION_FAILURE },
    [-ERROR_INTR]   = { "interrupted",      KERN_ABORTED },
    [-ERROR_IO]     = { "data unavailable", KERN_MEMORY_ERROR },
};

_Static_assert(ARRAY_SIZE(error_table) == 1 - ERROR_MIN,
               "one table entry per error code");

/* The entry of error, or NULL when error is not 0 or a code. */
static const struct error_info *
error_info_get(int error)
{
    if (error > 0 || error < ERROR_MIN) {
        return NULL;
    }
    return &error_table[-error];
}

const char *
error_str(int error)
{
    const struct error_info *info = error_info_get(error);

    return (info == NULL) ? "unknown error" : info->str;
}

kern_return_t
error_to_kern_return(int error)
{
    const struct error_info *info = error_info_get(error);

    return (info == NULL) ? KERN_FAILURE : info->kr;
}
