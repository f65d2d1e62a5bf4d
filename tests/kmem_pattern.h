/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Object contents for kmem tests, shared by the host unit test and the
 * in-kernel tests: a header word holding the object's id, then a byte
 * derived from the id, so that any overwrite or mix-up shows.
 */
#ifndef TESTS_KMEM_PATTERN_H
#define TESTS_KMEM_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef MACH_HOST
#include <string.h>
#else
#include <kern/string.h>
#endif

/* Fill size bytes at obj with the pattern of id. */
static inline void
kmem_pattern_fill(void *obj, size_t size, uint32_t id)
{
    memset(obj, (int)(id * 0x9d & 0xff), size);
    if (size >= sizeof(id)) {
        memcpy(obj, &id, sizeof(id));
    }
}

/* True when the size bytes at obj still hold the pattern of id. */
static inline bool
kmem_pattern_intact(const void *obj, size_t size, uint32_t id)
{
    const unsigned char *b = obj;
    size_t start = 0;

    if (size >= sizeof(id)) {
        if (memcmp(obj, &id, sizeof(id)) != 0) {
            return false;
        }
        start = sizeof(id);
    }
    for (size_t i = start; i < size; i++) {
        if (b[i] != (unsigned char)(id * 0x9d & 0xff)) {
            return false;
        }
    }
    return true;
}

#endif /* TESTS_KMEM_PATTERN_H */
