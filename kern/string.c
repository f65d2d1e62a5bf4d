/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory and string functions for the freestanding kernel.
 *
 * Design: plain byte loops, except that memcpy and memset move whole
 * machine words once the destination is word-aligned (and, for memcpy,
 * the source too), which is what page zeroing and structure copies hit.
 * Word accesses go through a may_alias type so that callers' objects of
 * any type can be accessed through it without breaking strict aliasing.
 *
 * gcc may turn a byte-copy loop into a call to memcpy/memset, which
 * inside memcpy/memset would be infinite recursion. -ffreestanding turns
 * that transformation off (gcc >= 10), so the kernel build must use it;
 * the #error below catches a kernel build that forgets it.
 *
 * In host unit tests (MACH_HOST), tests/unit/string.mk renames these
 * functions (memcpy -> kmemcpy, ...) so they can be compared against the
 * C library's; the other host tests simply use the C library.
 */
#include <stddef.h>
#include <stdint.h>

#include <kern/string.h>

#if !defined(MACH_HOST) && __STDC_HOSTED__
#error "kern/string.c must be compiled with -ffreestanding in the kernel"
#endif

typedef unsigned long string_word_t __attribute__((may_alias));

#define STRING_WORD_SIZE        sizeof(string_word_t)

static inline int
string_word_aligned(const void *p)
{
    return ((uintptr_t)p & (STRING_WORD_SIZE - 1)) == 0;
}

/*
 * Copy forwards, words at a time where alignment allows. No restrict:
 * memmove relies on this being correct when dest is below an overlapping
 * src (each word is read before any byte of it is overwritten).
 */
static void
string_copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    while (n > 0 && !string_word_aligned(d)) {
        *d++ = *s++;
        n--;
    }
    if (string_word_aligned(s)) {
        while (n >= STRING_WORD_SIZE) {
            *(string_word_t *)d = *(const string_word_t *)s;
            d += STRING_WORD_SIZE;
            s += STRING_WORD_SIZE;
            n -= STRING_WORD_SIZE;
        }
    }
    while (n > 0) {
        *d++ = *s++;
        n--;
    }
}

void *
memcpy(void *restrict dest, const void *restrict src, size_t n)
{
    string_copy_forward(dest, src, n);
    return dest;
}

void *
memmove(void *dest, const void *src, size_t n)
{
    unsigned char *d = dest;
    const unsigned char *s = src;

    if ((uintptr_t)d - (uintptr_t)s >= n) {
        /* d is below s, or at least n bytes above it: copy forwards. */
        string_copy_forward(d, s, n);
        return dest;
    }
    /* d overlaps the tail of s: copy backwards. */
    while (n > 0) {
        n--;
        d[n] = s[n];
    }
    return dest;
}

void *
memset(void *s, int c, size_t n)
{
    unsigned char *p = s;
    unsigned char byte = (unsigned char)c;
    string_word_t word;

    while (n > 0 && !string_word_aligned(p)) {
        *p++ = byte;
        n--;
    }
    /* (~0UL / 0xff) is 0x0101...01: one copy of byte per word byte. */
    word = (~0UL / 0xff) * byte;
    while (n >= STRING_WORD_SIZE) {
        *(string_word_t *)p = word;
        p += STRING_WORD_SIZE;
        n -= STRING_WORD_SIZE;
    }
    while (n > 0) {
        *p++ = byte;
        n--;
    }
    return s;
}

int
memcmp(const void *s1, const void *s2, size_t n)
{
    const unsigned char *a = s1, *b = s2;

    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return (int)a[i] - (int)b[i];
        }
    }
    return 0;
}

size_t
strlen(const char *s)
{
    const char *p = s;

    while (*p != '\0') {
        p++;
    }
    return (size_t)(p - s);
}

int
strcmp(const char *s1, const char *s2)
{
    const unsigned char *a = (const unsigned char *)s1;
    const unsigned char *b = (const unsigned char *)s2;

    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (int)*a - (int)*b;
}

int
strncmp(const char *s1, const char *s2, size_t n)
{
    const unsigned char *a = (const unsigned char *)s1;
    const unsigned char *b = (const unsigned char *)s2;

    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == '\0') {
            return (int)a[i] - (int)b[i];
        }
    }
    return 0;
}

char *
strchr(const char *s, int c)
{
    char ch = (char)c;

    for (;;) {
        if (*s == ch) {
            return (char *)s;
        }
        if (*s == '\0') {
            return NULL;
        }
        s++;
    }
}

size_t
strcspn(const char *s, const char *reject)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        for (const char *r = reject; *r != '\0'; r++) {
            if (s[i] == *r) {
                return i;
            }
        }
    }
    return i;
}

size_t
strlcpy(char *restrict dest, const char *restrict src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = (len < size) ? len : size - 1;

        memcpy(dest, src, n);
        dest[n] = '\0';
    }
    return len;
}
