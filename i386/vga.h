/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VGA text mode (80x25, colour text buffer at 0xB8000): the console
 * device "vga".
 */
#ifndef I386_VGA_H
#define I386_VGA_H

/* Clear the screen, home the cursor and register the console device "vga". */
void vga_setup(void);

#endif /* I386_VGA_H */
