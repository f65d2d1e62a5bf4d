/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * COM1 driver, registered as the console device "com1" (alias "com0").
 * Output polls the line status register, which keeps it usable from trap
 * handlers and panics; "\n" goes out as "\r\n" so terminals and logs
 * read the same. Input is taken by the IRQ 4
 * handler into a single-producer single-consumer ring. When the ring is
 * full the handler stops receiving instead of dropping bytes: it leaves
 * them in the UART, masks the receive interrupt and drops RTS (hardware
 * flow control: the sender, QEMU's chardev included, holds the rest), and
 * serial_getc() turns reception back on once it has made room, or when
 * it finds the ring empty, so a lost race can only delay input, never
 * stop it. A paste longer than the ring thus arrives whole and in order.
 * If no UART answers (the scratch register does not hold a value), output
 * is skipped instead of spinning forever.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <i386/cpu.h>
#include <i386/intr.h>
#include <i386/serial.h>
#include <i386/trap.h>
#include <kern/console.h>

#define COM1                    0x3f8
#define COM1_IRQ                4
#define UART_DATA               0
#define UART_IER                1
#define UART_FCR                2
#define UART_LCR                3
#define UART_MCR                4
#define UART_LSR                5
#define UART_SCRATCH            7
#define UART_LSR_DATA_READY     0x01
#define UART_LSR_THR_EMPTY      0x20
#define UART_IER_RX             0x01
#define UART_MCR_ON             0x0b        /* DTR, RTS, OUT2 (IRQ gate) */
#define UART_MCR_HOLD           0x09        /* DTR, OUT2: RTS off, sender waits */
#define SERIAL_RING_SIZE        256         /* power of two */

static bool serial_present;
static char serial_ring[SERIAL_RING_SIZE];
static volatile uint32_t serial_ring_head, serial_ring_tail;
static bool serial_rx_held;         /* ring was full: reception stopped */

static void serial_console_write(const char *s, size_t len);
static int serial_getc(void);

static struct console_dev serial_console = {
    .name = "com1",
    .alias = "com0",            /* GNU Mach's name for the first serial port */
    .write = serial_console_write,
    .getc = serial_getc,
};

void
serial_setup(void)
{
    console_register(&serial_console);
    outb(COM1 + UART_SCRATCH, 0x5a);
    serial_present = inb(COM1 + UART_SCRATCH) == 0x5a;
    if (!serial_present) {
        return;
    }
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x80);            /* divisor latch */
    outb(COM1 + UART_DATA, 1);              /* 115200 baud */
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x03);            /* 8N1 */
    outb(COM1 + UART_FCR, 0x07);            /* enable and clear FIFOs */
    outb(COM1 + UART_MCR, UART_MCR_ON);
}

static void
serial_intr(struct trap_frame *frame)
{
    (void)frame;
    while (inb(COM1 + UART_LSR) & UART_LSR_DATA_READY) {
        uint32_t head = serial_ring_head;
        char c;

        if (head - __atomic_load_n(&serial_ring_tail, __ATOMIC_ACQUIRE) == SERIAL_RING_SIZE) {
            /* Full: keep the byte in the UART until serial_getc() makes room. */
            outb(COM1 + UART_IER, 0);
            outb(COM1 + UART_MCR, UART_MCR_HOLD);
            __atomic_store_n(&serial_rx_held, true, __ATOMIC_RELEASE);
            return;
        }
        c = inb(COM1 + UART_DATA);
        serial_ring[head & (SERIAL_RING_SIZE - 1)] = c;
        __atomic_store_n(&serial_ring_head, head + 1, __ATOMIC_RELEASE);
    }
}

void
serial_intr_setup(void)
{
    if (!serial_present) {
        return;
    }
    trap_irq_register(COM1_IRQ, serial_intr);
    outb(COM1 + UART_IER, UART_IER_RX);     /* received data available */
    intr_unmask(COM1_IRQ);
}

static void
serial_write(const char *s, size_t len)
{
    if (!serial_present) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        while (!(inb(COM1 + UART_LSR) & UART_LSR_THR_EMPTY)) {
            cpu_pause();
        }
        outb(COM1 + UART_DATA, s[i]);
    }
}

/* Console output: "\n" becomes "\r\n". */
static void
serial_console_write(const char *s, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') {
            serial_write(s + start, i - start);
            serial_write("\r\n", 2);
            start = i + 1;
        }
    }
    serial_write(s + start, len - start);
}

/* Reception was stopped on a full ring: start it again (any context). */
static void
serial_rx_resume(void)
{
    if (__atomic_exchange_n(&serial_rx_held, false, __ATOMIC_ACQ_REL)) {
        outb(COM1 + UART_MCR, UART_MCR_ON);
        outb(COM1 + UART_IER, UART_IER_RX);     /* pending bytes raise IRQ 4 */
    }
}

/*
 * One received byte, or -1 when none is pending. Restarts reception if a
 * full ring had stopped it. Interrupt-safe; one consumer.
 */
static int
serial_getc(void)
{
    uint32_t tail = serial_ring_tail;
    int c;

    if (__atomic_load_n(&serial_ring_head, __ATOMIC_ACQUIRE) == tail) {
        serial_rx_resume();
        return -1;
    }
    c = (unsigned char)serial_ring[tail & (SERIAL_RING_SIZE - 1)];
    __atomic_store_n(&serial_ring_tail, tail + 1, __ATOMIC_RELEASE);
    serial_rx_resume();
    return c;
}
