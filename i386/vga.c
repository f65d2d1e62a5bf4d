/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VGA text mode, registered as the console device "vga" (output only).
 * Writes characters straight into the text buffer through the direct map
 * and moves the hardware cursor through the CRT controller. Scrolling
 * copies the screen up one line. No locking: concurrent writers may
 * interleave characters but cannot corrupt memory (positions are clamped).
 */
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/param.h>
#include <i386/vga.h>
#include <kern/console.h>

#define VGA_BUFFER              0xb8000
#define VGA_COLS                80
#define VGA_ROWS                25
#define VGA_ATTR                0x0700      /* light grey on black */
#define VGA_CRTC_INDEX          0x3d4
#define VGA_CRTC_DATA           0x3d5

static unsigned int vga_col, vga_row;

static void vga_write(const char *s, size_t len);

static struct console_dev vga_console = {
    .name = "vga",
    .write = vga_write,
};

static volatile uint16_t *
vga_buffer(void)
{
    return phystokv(VGA_BUFFER);
}

static void
vga_cursor_update(void)
{
    uint16_t pos = vga_row * VGA_COLS + vga_col;

    outb(VGA_CRTC_INDEX, 0x0f);
    outb(VGA_CRTC_DATA, pos & 0xff);
    outb(VGA_CRTC_INDEX, 0x0e);
    outb(VGA_CRTC_DATA, pos >> 8);
}

static void
vga_scroll(void)
{
    volatile uint16_t *buf = vga_buffer();

    for (unsigned int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++) {
        buf[i] = buf[i + VGA_COLS];
    }
    for (unsigned int i = 0; i < VGA_COLS; i++) {
        buf[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
    }
}

void
vga_setup(void)
{
    volatile uint16_t *buf = vga_buffer();

    for (unsigned int i = 0; i < VGA_ROWS * VGA_COLS; i++) {
        buf[i] = VGA_ATTR | ' ';
    }
    vga_col = 0;
    vga_row = 0;
    vga_cursor_update();
    console_register(&vga_console);
}

static void
vga_putc(char c)
{
    switch (c) {
    case '\n':
        vga_col = 0;
        vga_row++;
        break;
    case '\r':
        vga_col = 0;
        break;
    case '\t':
        vga_col = (vga_col + 8) & ~7u;
        break;
    case '\b':
        if (vga_col > 0) {
            vga_col--;
        }
        break;
    default:
        vga_buffer()[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
        vga_col++;
        break;
    }
    if (vga_col >= VGA_COLS) {
        vga_col = 0;
        vga_row++;
    }
    if (vga_row >= VGA_ROWS) {
        vga_scroll();
        vga_row = VGA_ROWS - 1;
    }
}

/* Write bytes, handling \n, \r, \t and \b, scrolling at the bottom. */
static void
vga_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        vga_putc(s[i]);
    }
    vga_cursor_update();
}
