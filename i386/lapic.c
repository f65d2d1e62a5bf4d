/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local APIC driver (xAPIC, memory-mapped). The registers are mapped once,
 * uncached, through boot_map(); all CPUs see their own APIC at the same
 * address. The timer is calibrated once against the PIT: the number of
 * timer input clocks (divided by 16) and TSC cycles in a few PIT ticks
 * give the initial count for any rate and the delay loop. Both follow
 * QEMU's virtual clock, so they stay consistent under -icount.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/boot_map.h>
#include <i386/cpu.h>
#include <i386/lapic.h>
#include <kern/clock.h>
#include <i386/trap.h>
#include <kern/printf.h>

#define LAPIC_ID                0x020
#define LAPIC_TPR               0x080
#define LAPIC_EOI               0x0b0
#define LAPIC_SVR               0x0f0
#define LAPIC_ESR               0x280
#define LAPIC_ICR_LOW           0x300
#define LAPIC_ICR_HIGH          0x310
#define LAPIC_LVT_TIMER         0x320
#define LAPIC_LVT_LINT0         0x350
#define LAPIC_LVT_LINT1         0x360
#define LAPIC_LVT_ERROR         0x370
#define LAPIC_TIMER_INIT        0x380
#define LAPIC_TIMER_CURRENT     0x390
#define LAPIC_TIMER_DIVIDE      0x3e0

#define LAPIC_SVR_ENABLE        0x100
#define LAPIC_LVT_MASKED        0x10000
#define LAPIC_LVT_NMI           0x400
#define LAPIC_TIMER_PERIODIC    0x20000
#define LAPIC_DIVIDE_BY_16      0x3
#define LAPIC_ICR_PENDING       0x1000
#define LAPIC_ICR_INIT          0x500
#define LAPIC_ICR_STARTUP       0x600
#define LAPIC_ICR_LEVEL_ASSERT  0x4000
#define LAPIC_CALIBRATE_TICKS   5

static volatile uint32_t *lapic_regs;
static uint32_t lapic_timer_hz;         /* timer input / 16, per second */
static uint64_t lapic_tsc_hz;

static inline uint32_t
lapic_read(unsigned int reg)
{
    return lapic_regs[reg / 4];
}

static inline void
lapic_write(unsigned int reg, uint32_t v)
{
    lapic_regs[reg / 4] = v;
}

bool
lapic_map(phys_addr_t pa)
{
    lapic_regs = boot_map(pa, PAGE_SIZE, BOOT_MAP_UNCACHED);
    return lapic_regs != NULL;
}

bool
lapic_present(void)
{
    return lapic_regs != NULL;
}

unsigned int
lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void
lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

static void
lapic_error_intr(struct trap_frame *frame)
{
    (void)frame;
    lapic_write(LAPIC_ESR, 0);
    printf("lapic: error 0x%x on APIC %u\n", lapic_read(LAPIC_ESR), lapic_id());
}

void
lapic_setup(bool boot_cpu)
{
    if (boot_cpu) {
        trap_vector_register(TRAP_LAPIC_ERROR, lapic_error_intr);
    }
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | TRAP_LAPIC_SPURIOUS);
    /*
     * The boot CPU keeps LINT0 as the firmware left it (virtual wire to
     * the PIC), which still delivers the PIT until the I/O APIC takes
     * over and the PIC is masked; the others never take PIC interrupts.
     */
    if (!boot_cpu) {
        lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
    }
    lapic_write(LAPIC_LVT_LINT1, boot_cpu ? LAPIC_LVT_NMI : LAPIC_LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, TRAP_LAPIC_ERROR);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
    lapic_eoi();
}

void
lapic_timer_calibrate(void)
{
    uint64_t t0, tsc0, tsc1;
    uint32_t elapsed;

    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);

    /* Start on a tick edge, then count over whole ticks. */
    t0 = clock_ticks();
    while (clock_ticks() == t0) {
        cpu_idle();
    }
    lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
    tsc0 = cpu_rdtsc();
    while (clock_ticks() < t0 + 1 + LAPIC_CALIBRATE_TICKS) {
        cpu_idle();
    }
    elapsed = UINT32_MAX - lapic_read(LAPIC_TIMER_CURRENT);
    tsc1 = cpu_rdtsc();
    lapic_write(LAPIC_TIMER_INIT, 0);

    lapic_timer_hz = (uint64_t)elapsed * CLOCK_HZ / LAPIC_CALIBRATE_TICKS;
    lapic_tsc_hz = (tsc1 - tsc0) * CLOCK_HZ / LAPIC_CALIBRATE_TICKS;
    if (lapic_tsc_hz < 1000000) {
        lapic_tsc_hz = 1000000;         /* keep delays finite and sane */
    }
    printf("lapic: timer %u kHz (after /16), TSC %llu MHz\n",
           lapic_timer_hz / 1000, (unsigned long long)(lapic_tsc_hz / 1000000));
}

void
lapic_timer_start(unsigned int hz)
{
    uint32_t count = lapic_timer_hz / hz;

    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_16);
    lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | TRAP_LAPIC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, count > 0 ? count : 1);
}

void
lapic_delay_us(unsigned int us)
{
    uint64_t end = cpu_rdtsc() + lapic_tsc_hz / 1000000 * us;

    while (cpu_rdtsc() < end) {
        cpu_pause();
    }
}

static void
lapic_icr_send(unsigned int apic_id, uint32_t low)
{
    while (lapic_read(LAPIC_ICR_LOW) & LAPIC_ICR_PENDING) {
        cpu_pause();
    }
    lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
    lapic_write(LAPIC_ICR_LOW, low);
}

void
lapic_ipi_send(unsigned int apic_id, unsigned int vector)
{
    uint32_t flags = cpu_intr_save();

    lapic_icr_send(apic_id, vector);
    cpu_intr_restore(flags);
}

void
lapic_ipi_startup(unsigned int apic_id, phys_addr_t trampoline_pa)
{
    lapic_icr_send(apic_id, LAPIC_ICR_INIT | LAPIC_ICR_LEVEL_ASSERT);
    lapic_delay_us(10000);
    for (int i = 0; i < 2; i++) {
        lapic_icr_send(apic_id, LAPIC_ICR_STARTUP | (trampoline_pa >> PAGE_SHIFT));
        lapic_delay_us(200);
    }
}
