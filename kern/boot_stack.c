/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The initial stack of a boot task (layout: kern/boot_stack.h).
 *
 * Design: the size is computed first, in 64 bits so that no sum can wrap,
 * and checked against the buffer and the user address before a byte is
 * written, so a failure leaves everything untouched. Words are stored
 * byte by byte in little-endian order: the buffer needs no alignment and
 * the host unit test means the same thing as the i386 kernel.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/boot_stack.h>
#include <kern/string.h>

static void
boot_stack_put32(uint8_t *p, uint32_t value)
{
    for (unsigned int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
}

/* Size in 64 bits; UINT64_MAX for bad input. */
static uint64_t
boot_stack_size64(int argc, const char *const argv[], int envc, const char *const envp[])
{
    uint64_t size;

    if (argc < 0 || envc < 0) {
        return UINT64_MAX;
    }
    size = 4 + 4 * ((uint64_t)argc + 1 + (uint64_t)envc + 1);
    for (int i = 0; i < argc; i++) {
        if (argv[i] == NULL) {
            return UINT64_MAX;
        }
        size += strlen(argv[i]) + 1;
    }
    for (int i = 0; i < envc; i++) {
        if (envp[i] == NULL) {
            return UINT64_MAX;
        }
        size += strlen(envp[i]) + 1;
    }
    return (size + 3) & ~(uint64_t)3;
}

uint32_t
boot_stack_size(int argc, const char *const argv[], int envc, const char *const envp[])
{
    uint64_t size = boot_stack_size64(argc, argv, envc, envp);

    return (size > UINT32_MAX) ? 0 : (uint32_t)size;
}

/* Write count pointers to strings[], then NULL, at *slot; strings at *str. */
static void
boot_stack_put_vector(uint8_t *base, uint32_t esp, size_t *slot, size_t *str, int count,
                      const char *const strings[])
{
    for (int i = 0; i < count; i++) {
        size_t len = strlen(strings[i]) + 1;

        boot_stack_put32(base + *slot, esp + (uint32_t)*str);
        memcpy(base + *str, strings[i], len);
        *slot += 4;
        *str += len;
    }
    boot_stack_put32(base + *slot, 0);
    *slot += 4;
}

int
boot_stack_build(void *buf, size_t size, uint32_t top, int argc, const char *const argv[],
                 int envc, const char *const envp[], uint32_t *esp)
{
    uint64_t total = boot_stack_size64(argc, argv, envc, envp);
    size_t slot = 0, str;
    uint8_t *base;

    if (total == UINT64_MAX || (top & 3) != 0) {
        return BOOT_STACK_EINVAL;
    }
    if (total > size || total > top) {
        return BOOT_STACK_ETOOBIG;
    }
    base = (uint8_t *)buf + (size - total);
    *esp = top - (uint32_t)total;
    str = 4 + 4 * ((size_t)argc + 1 + (size_t)envc + 1);

    boot_stack_put32(base, (uint32_t)argc);
    slot = 4;
    boot_stack_put_vector(base, *esp, &slot, &str, argc, argv);
    boot_stack_put_vector(base, *esp, &slot, &str, envc, envp);
    memset(base + str, 0, total - str);
    return 0;
}
