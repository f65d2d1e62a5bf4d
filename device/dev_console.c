/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device "console" (see device/dev_console.h).
 *
 * Rationale. The serial driver fills its input ring from its interrupt
 * and the console layer polls it (console_trygetc()); nothing tells the
 * console that a byte arrived. While a reader waits, the clock tick
 * polls for it: a byte found is kept in dev_console_pending and the
 * readers are woken, so a reader sleeps until input is really there
 * (10 ms of latency for a human typing, no hook from the bottom of
 * kern/ into the scheduler, nothing done while nobody waits), and
 * thread_interrupt() finds it asleep. All input goes through
 * dev_console_lock, interrupts off, so the tick and readers on other
 * CPUs never share the driver's ring. The shell, when it runs, reads
 * the same input: whoever asks first gets a byte (doc/device.md).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <device/dev_console.h>
#include <device/device.h>
#include <include/device/device_types.h>
#include <include/mach/kern_return.h>
#include <kern/console.h>
#include <kern/spinlock.h>
#include <kern/thread.h>

static struct spinlock dev_console_lock = SPINLOCK_INITIALIZER;
static int dev_console_pending = -1;            /* a byte the tick took, or -1 (the lock) */
static int (*dev_console_getc)(void) = console_trygetc;         /* (the lock) */
static struct waitq dev_console_wq;
static unsigned int dev_console_waiters;        /* atomic */

static io_return_t
dev_console_write(struct device *dev, dev_mode_t mode, recnum_t recnum, const char *data,
                  size_t count, size_t *writtenp)
{
    (void)dev;
    (void)mode;
    (void)recnum;
    console_write(data, count);
    *writtenp = count;
    return D_SUCCESS;
}

/* Take the pending bytes, at most want, into buf. Returns how many. */
static size_t
dev_console_take(char *buf, size_t want)
{
    size_t n = 0;
    uint32_t flags;
    int c;

    flags = spinlock_lock_intr_save(&dev_console_lock);
    if (dev_console_pending >= 0) {
        buf[n++] = (char)dev_console_pending;
        dev_console_pending = -1;
    }
    while (n < want && (c = dev_console_getc()) >= 0) {
        buf[n++] = (char)c;
    }
    spinlock_unlock_intr_restore(&dev_console_lock, flags);
    return n;
}

static io_return_t
dev_console_read(struct device *dev, dev_mode_t mode, recnum_t recnum, char *buf, size_t want,
                 size_t *readp)
{
    io_return_t rc = D_SUCCESS;
    size_t n;

    (void)dev;
    (void)recnum;
    n = dev_console_take(buf, want);
    if (n == 0 && (mode & D_NOWAIT)) {
        return D_WOULD_BLOCK;
    }
    if (n == 0) {
        __atomic_fetch_add(&dev_console_waiters, 1, __ATOMIC_ACQ_REL);
        while ((n = dev_console_take(buf, want)) == 0) {
            if (waitq_sleep_intr(&dev_console_wq, NULL) == THREAD_INTERRUPTED) {
                rc = KERN_ABORTED;          /* thread_abort, or the task is going */
                break;
            }
        }
        __atomic_fetch_sub(&dev_console_waiters, 1, __ATOMIC_ACQ_REL);
    }
    *readp = n;
    return rc;
}

static io_return_t
dev_console_get_status(struct device *dev, dev_flavor_t flavor, int *status,
                       mach_msg_type_number_t *countp)
{
    (void)dev;
    return device_status_size(flavor, 0, 1, status, countp);      /* sequential, size unknown */
}

static const struct device_ops dev_console_ops = {
    .write = dev_console_write,
    .read = dev_console_read,
    .get_status = dev_console_get_status,
};

struct device dev_console = {
    .name = "console",
    .ops = &dev_console_ops,
};

void
dev_console_setup(void)
{
    waitq_init_intr(&dev_console_wq);
}

void
dev_console_tick(void)
{
    bool input;

    if (__atomic_load_n(&dev_console_waiters, __ATOMIC_ACQUIRE) == 0) {
        return;
    }
    spinlock_lock(&dev_console_lock);           /* interrupts are off */
    if (dev_console_pending < 0) {
        dev_console_pending = dev_console_getc();
    }
    input = dev_console_pending >= 0;
    spinlock_unlock(&dev_console_lock);
    if (input) {
        waitq_wakeup_all(&dev_console_wq);
    }
}

#ifdef CONFIG_KTEST
void
dev_console_input_set(int (*getc)(void))
{
    uint32_t flags = spinlock_lock_intr_save(&dev_console_lock);

    dev_console_getc = (getc != NULL) ? getc : console_trygetc;
    dev_console_pending = -1;
    spinlock_unlock_intr_restore(&dev_console_lock, flags);
}
#endif
