/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/boot_stack.c: the layout of MACH-ABI.md §4.4 checked
 * word by word for a hand-computed case (hello 1 2 at 0xC0000000), then
 * random argv/envp read back the way glibc's _hurd_startup reads them
 * (argc, vectors, strings, &envp[envc + 1] == argv[0], padding to top),
 * and every size and argument error leaving the buffer untouched.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/boot_stack.h>
#include "tests/unit/tap.h"

#define TOP 0xc0000000u

static uint8_t stack[65536];

static uint32_t
word(uint32_t esp_base, uint32_t addr)
{
    const uint8_t *p = stack + sizeof(stack) - (TOP - addr);

    (void)esp_base;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *
str_at(uint32_t addr)
{
    return (const char *)stack + sizeof(stack) - (TOP - addr);
}

static void
test_hello(void)
{
    const char *argv[] = { "hello", "1", "2" };
    uint32_t esp = 0;

    memset(stack, 0xaa, sizeof(stack));
    TAP_CHECK(boot_stack_size(3, argv, 0, NULL) == 36);
    TAP_CHECK(boot_stack_build(stack, sizeof(stack), TOP, 3, argv, 0, NULL, &esp) == 0);
    TAP_CHECK(esp == 0xbfffffdc);
    /* Hand-computed: argc, 3 pointers, NULL, NULL, "hello\0" "1\0" "2\0", 2 bytes padding. */
    static const uint8_t expect[36] = {
        3, 0, 0, 0,
        0xf4, 0xff, 0xff, 0xbf, 0xfa, 0xff, 0xff, 0xbf, 0xfc, 0xff, 0xff, 0xbf,
        0, 0, 0, 0,
        0, 0, 0, 0,
        'h', 'e', 'l', 'l', 'o', 0, '1', 0, '2', 0, 0, 0,
    };
    TAP_CHECK(memcmp(stack + sizeof(stack) - 36, expect, 36) == 0);
    TAP_CHECK(stack[sizeof(stack) - 37] == 0xaa);

    /* With an environment: strings of envp after those of argv. */
    const char *envp[] = { "A=b" };
    const char *argv1[] = { "x" };
    TAP_CHECK(boot_stack_build(stack, sizeof(stack), TOP, 1, argv1, 1, envp, &esp) == 0);
    /* 4 + 4*4 + 2 + 4 = 26 -> 28 */
    TAP_CHECK(esp == TOP - 28);
    TAP_CHECK(word(esp, esp) == 1 && word(esp, esp + 4) == esp + 20 && word(esp, esp + 8) == 0);
    TAP_CHECK(word(esp, esp + 12) == esp + 22 && word(esp, esp + 16) == 0);
    TAP_CHECK(strcmp(str_at(esp + 20), "x") == 0 && strcmp(str_at(esp + 22), "A=b") == 0);

    /* argc 0: argc, NULL, NULL. */
    TAP_CHECK(boot_stack_build(stack, sizeof(stack), TOP, 0, NULL, 0, NULL, &esp) == 0
              && esp == TOP - 12 && word(esp, esp) == 0 && word(esp, esp + 4) == 0
              && word(esp, esp + 8) == 0);
}

static void
test_errors(void)
{
    const char *argv[] = { "hello", "1", "2" };
    const char *bad[] = { "a", NULL };
    uint32_t esp = 7;

    memset(stack, 0x55, sizeof(stack));
    TAP_CHECK(boot_stack_build(stack, 35, TOP, 3, argv, 0, NULL, &esp) == BOOT_STACK_ETOOBIG);
    TAP_CHECK(boot_stack_build(stack, 36, 32, 3, argv, 0, NULL, &esp) == BOOT_STACK_ETOOBIG);
    TAP_CHECK(boot_stack_build(stack, 36, 36, 3, argv, 0, NULL, &esp) == 0 && esp == 0);
    memset(stack, 0x55, 64);
    TAP_CHECK(boot_stack_build(stack, 36, TOP - 2, 3, argv, 0, NULL, &esp) == BOOT_STACK_EINVAL);
    TAP_CHECK(boot_stack_build(stack, 36, TOP, -1, argv, 0, NULL, &esp) == BOOT_STACK_EINVAL);
    TAP_CHECK(boot_stack_build(stack, 36, TOP, 1, argv, -1, NULL, &esp) == BOOT_STACK_EINVAL);
    TAP_CHECK(boot_stack_build(stack, 36, TOP, 2, bad, 0, NULL, &esp) == BOOT_STACK_EINVAL);
    TAP_CHECK(boot_stack_build(stack, 36, TOP, 0, NULL, 2, bad, &esp) == BOOT_STACK_EINVAL);
    bool untouched = true;
    for (int i = 0; i < 64; i++) {
        untouched &= stack[i] == 0x55;
    }
    TAP_CHECK(untouched && esp == 0);
    TAP_CHECK(boot_stack_size(-1, NULL, 0, NULL) == 0);
    TAP_CHECK(boot_stack_size(2, bad, 0, NULL) == 0);
}

/* Random vectors, read back as glibc does. */
static void
test_random(void)
{
    static char pool[256][40];
    unsigned int bad = 0;

    srand(4);
    for (unsigned int i = 0; i < 256; i++) {
        size_t len = (size_t)rand() % 39;
        for (size_t k = 0; k < len; k++) {
            pool[i][k] = (char)(1 + rand() % 255);
        }
        pool[i][len] = '\0';
    }
    for (unsigned int round = 0; round < 20000; round++) {
        const char *argv[64], *envp[64];
        int argc = rand() % 64, envc = rand() % 64;
        uint32_t esp, top = TOP - 4 * (uint32_t)(rand() % 16);
        uint64_t expect = 4 + 4 * (uint64_t)(argc + 1 + envc + 1);

        for (int i = 0; i < argc; i++) {
            argv[i] = pool[rand() % 256];
            expect += strlen(argv[i]) + 1;
        }
        for (int i = 0; i < envc; i++) {
            envp[i] = pool[rand() % 256];
            expect += strlen(envp[i]) + 1;
        }
        expect = (expect + 3) & ~3ull;
        memset(stack, 0xcc, sizeof(stack));
        if (boot_stack_build(stack, sizeof(stack) - (TOP - top), top, argc, argv, envc, envp,
                             &esp) != 0 || esp != top - expect || (esp & 3) != 0) {
            bad++;
            continue;
        }
        /* Read back: the buffer's end is top. */
        uint32_t a = word(0, esp), p = esp + 4, next = esp + 4 + 4 * (uint32_t)(argc + 1 + envc + 1);
        bool ok = (a == (uint32_t)argc);
        for (int i = 0; ok && i < argc; i++, p += 4) {
            ok = word(0, p) == next && strcmp(str_at(next), argv[i]) == 0;
            next += (uint32_t)strlen(argv[i]) + 1;
        }
        ok = ok && word(0, p) == 0;
        p += 4;
        for (int i = 0; ok && i < envc; i++, p += 4) {
            ok = word(0, p) == next && strcmp(str_at(next), envp[i]) == 0;
            next += (uint32_t)strlen(envp[i]) + 1;
        }
        ok = ok && word(0, p) == 0;
        /* glibc: &envp[envc + 1] == argv[0] (when argc > 0). */
        ok = ok && (argc == 0 || word(0, esp + 4) == p + 4);
        for (uint32_t q = next; ok && q < top; q++) {
            ok = *str_at(q) == 0;
        }
        ok = ok && top - next < 4 && *str_at(esp - 1) == (char)0xcc;
        bad += !ok;
    }
    tap_check(bad == 0, "20000 random argv/envp read back as glibc does: %u wrong", bad);
}

int
main(void)
{
    test_hello();
    test_errors();
    test_random();
    return tap_done();
}
