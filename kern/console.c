/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Console multiplexer. Drivers register their devices, so this file
 * depends on no driver and the bottom of kern/ (printf, console, panic)
 * calls nothing above it. The devices form a singly linked list in
 * registration order, built on the boot CPU before other CPUs start and
 * never changed afterwards, so writers walk it without a lock; the
 * enabled flags change only in console_setup(), also at boot.
 *
 * Every registered device is enabled from the start, so messages printed
 * before the command line is parsed are not lost; console_setup() then
 * narrows the set to what `console=` asks for.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/string.h>
#include <machine/cpu.h>

static struct console_dev *console_devs;

void
console_register(struct console_dev *dev)
{
    struct console_dev **tail = &console_devs;

    assert(dev->name != NULL && dev->name[0] != '\0' && dev->write != NULL);
    while (*tail != NULL) {
        assert(*tail != dev);
        tail = &(*tail)->next;
    }
    dev->enabled = true;
    dev->next = NULL;
    *tail = dev;
}

void
console_write(const char *s, size_t len)
{
    for (struct console_dev *dev = console_devs; dev != NULL; dev = dev->next) {
        if (dev->enabled) {
            dev->write(s, len);
        }
    }
}

/* The registered device called (or aliased) name[0..len), or NULL. */
static struct console_dev *
console_lookup(const char *name, size_t len)
{
    for (struct console_dev *dev = console_devs; dev != NULL; dev = dev->next) {
        if ((strlen(dev->name) == len && strncmp(dev->name, name, len) == 0)
            || (dev->alias != NULL && strlen(dev->alias) == len
                && strncmp(dev->alias, name, len) == 0)) {
            return dev;
        }
    }
    return NULL;
}

void
console_setup(void)
{
    const char *value = cmdline_get("console");
    const char *p;
    bool any = false;

    if (value == NULL) {
        return;
    }

    /* First pass: are any of the names known? */
    for (p = value; *p != '\0'; p += (*p == ',')) {
        size_t len = strcspn(p, ",");

        if (len > 0 && console_lookup(p, len) != NULL) {
            any = true;
        } else if (len > 0) {
            printf("console: unknown device '%.*s' ignored\n", (int)len, p);
        }
        p += len;
    }
    if (!any) {
        printf("console: no known device in console=, keeping all\n");
        return;
    }

    /* Second pass: enable exactly the named devices. */
    for (struct console_dev *dev = console_devs; dev != NULL; dev = dev->next) {
        dev->enabled = false;
    }
    for (p = value; *p != '\0'; p += (*p == ',')) {
        size_t len = strcspn(p, ",");
        struct console_dev *dev = len > 0 ? console_lookup(p, len) : NULL;

        if (dev != NULL) {
            dev->enabled = true;
        }
        p += len;
    }
}

int
console_trygetc(void)
{
    for (struct console_dev *dev = console_devs; dev != NULL; dev = dev->next) {
        int c = dev->getc != NULL ? dev->getc() : -1;

        if (c >= 0) {
            return c;
        }
    }
    return -1;
}

int
console_getc(void)
{
    int c;

    while ((c = console_trygetc()) < 0) {
        cpu_idle();
    }
    return c;
}
