/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VGA text mode console (80x25, colour text buffer at 0xB8000).
 */
#ifndef I386_VGA_H
#define I386_VGA_H

#include <stddef.h>

/* Clear the screen and home the cursor. */
void vga_setup(void);

/* Write bytes, handling \n, \r, \t and \b, scrolling at the bottom. */
void vga_write(const char *s, size_t len);

#endif /* I386_VGA_H */
