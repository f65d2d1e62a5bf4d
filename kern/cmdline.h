/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command line.
 *
 * The boot loader passes a line such as
 *     /boot/mach console=com1 test=a,b debug "title=two words"
 * Words are separated by spaces and tabs. A word is either KEY=VALUE or a
 * bare KEY (a flag); the key ends at the first '='. Double quotes group
 * spaces and tabs into a word and are removed: key="a b" has the value
 * a b, and quotes may appear anywhere in a word. Every word, the first
 * (the boot image path) included, is parsed the same way, so the path is
 * found as a bare flag. A repeated key takes its last value.
 *
 * cmdline_parse() runs once during boot, before other CPUs start; the
 * other functions only read the parsed line and may then be called from
 * anywhere, concurrently.
 */
#ifndef KERN_CMDLINE_H
#define KERN_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include <kern/error.h>

/* Longest accepted command line, in bytes including the terminating NUL. */
#define CMDLINE_SIZE            1024

/*
 * Parse the command line s (NULL means empty) and keep a copy, replacing
 * what a previous call kept. Not thread-safe (boot only). Returns 0, or
 * ERROR_TOOBIG when s has CMDLINE_SIZE bytes or more, or
 * ERROR_INVAL for an unterminated quote; on error nothing is kept:
 * the line reads as empty.
 */
int cmdline_parse(const char *s);

/* Return the line as passed to cmdline_parse() ("" if none or rejected). */
const char *cmdline_raw(void);

/*
 * Return the value of the last KEY=VALUE word whose key is key, "" if
 * that last word is a bare KEY, or NULL if key is absent. An empty key,
 * or one containing '=', is never found. The string stays valid until the
 * next cmdline_parse().
 */
const char *cmdline_get(const char *key);

/* Return whether key is present, bare or with a value. */
bool cmdline_has(const char *key);

/*
 * Take the next item off a comma-separated list such as a cmdline_get()
 * value, skipping empty items ("a,,b," holds a and b). *listp is the rest
 * of the list (NULL counts as empty) and is advanced past the item.
 * Copies the item NUL-terminated into item[size] and returns 1; returns 0
 * at the end of the list; returns ERROR_TOOBIG, with item set to ""
 * (when size > 0), if the item needs more than size bytes: the caller may
 * go on with the following items. Reentrant.
 */
int cmdline_list_next(const char **listp, char *item, size_t size);

/*
 * Find the last word of the line s whose key is key, parsing s the way
 * cmdline_parse() does (quotes group and are removed) but without any
 * length limit, and return the offset in s just past that word, or 0
 * when no word has that key. With cmdline_raw(), it tells whether an
 * option lies in a part of the line that was not kept (a line too long
 * or with an unterminated quote). Reentrant.
 */
size_t cmdline_key_end(const char *s, const char *key);

#endif /* KERN_CMDLINE_H */
