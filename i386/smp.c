/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SMP bring-up.
 *
 * The boot CPU reads the firmware tables, enables its local APIC,
 * calibrates the APIC timer against the still-running PIT, moves ISA
 * interrupts to the I/O APIC and makes its APIC timer the clock tick.
 * Then it starts each other CPU in turn: a trampoline page, taken below
 * 1 MiB from biosmem's DMA segment, carries the CPU from real mode to
 * paging (ap_boot.S); a boot-allocated stack and the CPU index travel in
 * the trampoline's parameter block. The boot page tables identity-map
 * the first large page only while CPUs start. Each CPU loads the shared
 * GDT with its own TSS and %gs, the shared IDT, enables its APIC and
 * timer, marks itself online and idles. A CPU that does not come online
 * within a second is reported and skipped.
 */
#include <stdbool.h>
#include <stdint.h>

#include <i386/biosmem.h>
#include <i386/cpu.h>
#include <i386/fpu.h>
#include <i386/gdt.h>
#include <i386/intr.h>
#include <i386/lapic.h>
#include <i386/param.h>
#include <i386/pit.h>
#include <i386/platform.h>
#include <i386/pmap.h>
#include <i386/smp.h>
#include <i386/trap.h>
#include <kern/clock.h>
#include <kern/macros.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/shell.h>
#include <kern/spinlock.h>
#include <kern/string.h>
#include <kern/thread.h>
#include <vm/vm_page.h>

#define SMP_TRAMPOLINE_LIMIT    0x100000    /* real mode reaches 1 MiB */
#define SMP_START_TIMEOUT_MS    1000

struct percpu percpu_table[CONFIG_NCPUS];
volatile unsigned int percpu_nr_online = 1;

extern char ap_boot_start[], ap_boot_end[];
extern uint32_t ap_boot_cr3[], ap_boot_cr4[], ap_boot_stack[], ap_boot_cpu[];
extern uint32_t ap_boot_nxe[];
extern char boot_stack[];
#ifdef CONFIG_PAE
extern uint64_t boot_pd_low[];
#define SMP_IDENTITY_PDE        boot_pd_low[0]
#else
extern uint32_t boot_pgdir[];
#define SMP_IDENTITY_PDE        boot_pgdir[0]
#endif

static struct platform smp_platform;

/* The pending cross-CPU call of each CPU. */
struct smp_call_slot {
    void (*fn)(void *arg);
    void *arg;
    volatile bool done;
} __attribute__((aligned(CPU_CACHE_LINE)));

static struct smp_call_slot smp_call_slots[CONFIG_NCPUS];
static struct spinlock smp_call_lock = SPINLOCK_INITIALIZER;

unsigned int
smp_nr_cpus(void)
{
    return percpu_nr_online;
}

unsigned int
smp_nr_cpus_expected(void)
{
    if (!lapic_present() || smp_platform.nr_cpus == 0) {
        return 1;
    }
    return MIN(smp_platform.nr_cpus, CONFIG_NCPUS);
}

static void
smp_timer_intr(struct trap_frame *frame)
{
    struct percpu *self = percpu_self();

    self->ticks++;
    if (self->id == 0) {
        clock_tick();
    }
    thread_tick((frame->cs & 3) == 3);     /* charged to user or system time */
    vm_page_tick();                         /* pool drain requests */
}

static void
smp_wakeup_intr(struct trap_frame *frame)
{
    (void)frame;
    percpu_self()->need_resched = true;     /* acted on at interrupt exit */
}

void
smp_wakeup(unsigned int cpu)
{
    if (lapic_present() && percpu_table[cpu].online) {
        lapic_ipi_send(percpu_table[cpu].machine.apic_id, TRAP_IPI_WAKEUP);
    }
}

static void
smp_call_intr(struct trap_frame *frame)
{
    struct smp_call_slot *slot = &smp_call_slots[cpu_id()];

    (void)frame;
    slot->fn(slot->arg);
    __atomic_store_n(&slot->done, true, __ATOMIC_RELEASE);
}

/* Post fn(arg) to CPU cpu and interrupt it; smp_call_lock held. */
static void
smp_call_post(unsigned int cpu, void (*fn)(void *arg), void *arg)
{
    struct smp_call_slot *slot = &smp_call_slots[cpu];

    slot->fn = fn;
    slot->arg = arg;
    slot->done = false;
    lapic_ipi_send(percpu_table[cpu].machine.apic_id, TRAP_IPI_CALL);
}

static void
smp_call_wait(unsigned int cpu)
{
    while (!__atomic_load_n(&smp_call_slots[cpu].done, __ATOMIC_ACQUIRE)) {
        cpu_pause();
    }
}

static void
smp_call_local(void (*fn)(void *arg), void *arg)
{
    uint32_t flags = cpu_intr_save();

    fn(arg);
    cpu_intr_restore(flags);
}

bool
smp_call(unsigned int cpu, void (*fn)(void *arg), void *arg)
{
    if (cpu >= CONFIG_NCPUS || !percpu_table[cpu].online) {
        return false;
    }
    if (cpu == cpu_id()) {
        smp_call_local(fn, arg);
        return true;
    }
    spinlock_lock(&smp_call_lock);
    smp_call_post(cpu, fn, arg);
    smp_call_wait(cpu);
    spinlock_unlock(&smp_call_lock);
    return true;
}

void
smp_call_all(void (*fn)(void *arg), void *arg)
{
    unsigned int self;

    spinlock_lock(&smp_call_lock);
    self = cpu_id();
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && percpu_table[cpu].online) {
            smp_call_post(cpu, fn, arg);
        }
    }
    smp_call_local(fn, arg);
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && percpu_table[cpu].online) {
            smp_call_wait(cpu);
        }
    }
    spinlock_unlock(&smp_call_lock);
}

void
smp_call_many(const uint32_t *mask, void (*fn)(void *arg), void *arg)
{
    uint32_t targets[SMP_MASK_WORDS];
    unsigned int self;

    for (unsigned int i = 0; i < SMP_MASK_WORDS; i++) {
        targets[i] = __atomic_load_n(&mask[i], __ATOMIC_RELAXED);
    }
    spinlock_lock(&smp_call_lock);
    self = cpu_id();
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && SMP_MASK_TEST(targets, cpu) && percpu_table[cpu].online) {
            smp_call_post(cpu, fn, arg);
        }
    }
    if (SMP_MASK_TEST(targets, self)) {
        smp_call_local(fn, arg);
    }
    for (unsigned int cpu = 0; cpu < CONFIG_NCPUS; cpu++) {
        if (cpu != self && SMP_MASK_TEST(targets, cpu) && percpu_table[cpu].online) {
            smp_call_wait(cpu);
        }
    }
    spinlock_unlock(&smp_call_lock);
}

/* C entry of a secondary CPU, from smp_ap_entry (ap_boot.S). */
void __attribute__((noreturn))
smp_ap_main(unsigned int cpu)
{
    struct percpu *self = &percpu_table[cpu];

    gdt_load(cpu);
    gdt_set_kernel_stack(cpu, (uint32_t)(uintptr_t)self->stack + KERNEL_STACK_SIZE);
    trap_load();
    fpu_setup();
    lapic_setup(false);
    self->machine.apic_id = lapic_id();
    lapic_timer_start(CLOCK_HZ);
    __atomic_fetch_add(&percpu_nr_online, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&self->online, true, __ATOMIC_RELEASE);
    thread_idle();
}

/* Start the CPU with APIC id apic_id as CPU cpu; true once it is online. */
static bool
smp_start_cpu(unsigned int cpu, unsigned int apic_id, phys_addr_t tramp)
{
    struct percpu *pc = &percpu_table[cpu];
    char *page = phystokv(tramp);
    phys_addr_t stack = biosmem_bootalloc(KERNEL_STACK_SIZE / PAGE_SIZE);

    if (stack == 0) {
        printf("smp: no boot memory for the stack of the CPU with APIC id %u\n",
               apic_id);
        return false;
    }
    pc->stack = phystokv(stack);
    pc->machine.apic_id = apic_id;
    *(uint32_t *)(page + ((char *)ap_boot_stack - ap_boot_start)) =
        (uint32_t)(uintptr_t)pc->stack + KERNEL_STACK_SIZE;
    *(uint32_t *)(page + ((char *)ap_boot_cpu - ap_boot_start)) = cpu;

    lapic_ipi_startup(apic_id, tramp);
    for (unsigned int ms = 0; ms < SMP_START_TIMEOUT_MS; ms++) {
        if (__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE)) {
            return true;
        }
        lapic_delay_us(1000);
    }
    return false;
}

/* Start every other CPU the firmware listed, up to CONFIG_NCPUS. */
static void
smp_start_secondaries(void)
{
    unsigned int boot_apic = percpu_table[0].machine.apic_id, next = 1;
    phys_addr_t tramp = biosmem_bootalloc_low(1, SMP_TRAMPOLINE_LIMIT);
    size_t size = ap_boot_end - ap_boot_start;
    char *page;

    if (tramp == 0) {
        printf("smp: no free page below 1 MiB for the trampoline, one CPU only\n");
        return;
    }
    page = phystokv(tramp);
    memcpy(page, ap_boot_start, size);
    *(uint32_t *)(page + ((char *)ap_boot_cr3 - ap_boot_start)) = cpu_get_cr3();
    *(uint32_t *)(page + ((char *)ap_boot_cr4 - ap_boot_start)) = cpu_get_cr4();
    *(uint32_t *)(page + ((char *)ap_boot_nxe - ap_boot_start)) = pmap_nx_enabled();

    SMP_IDENTITY_PDE = 0x83;    /* present, writable, large page at 0 */
    cpu_set_cr3(cpu_get_cr3());
    for (unsigned int i = 0; i < smp_platform.nr_cpus; i++) {
        unsigned int apic_id = smp_platform.cpu_apic_ids[i];

        if (apic_id == boot_apic) {
            continue;
        }
        if (next == CONFIG_NCPUS) {
            printf("smp: CPU with APIC id %u not started (kernel built for %d CPUs)\n",
                   apic_id, CONFIG_NCPUS);
            continue;
        }
        if (smp_start_cpu(next, apic_id, tramp)) {
            next++;
        } else {
            printf("smp: CPU with APIC id %u did not come online\n", apic_id);
        }
    }
    SMP_IDENTITY_PDE = 0;
    cpu_set_cr3(cpu_get_cr3());
}

void
smp_setup(void)
{
    struct percpu *boot = &percpu_table[0];

    boot->stack = boot_stack;
    gdt_set_kernel_stack(0, (uint32_t)(uintptr_t)boot_stack + KERNEL_STACK_SIZE);
    boot->online = true;

    if (!platform_discover(&smp_platform)) {
        printf("smp: no ACPI MADT or MP table: one CPU, legacy PIC\n");
        return;
    }
    if (!lapic_map(smp_platform.lapic_addr)) {
        printf("smp: cannot map the local APIC at 0x%x: one CPU, legacy PIC\n",
               smp_platform.lapic_addr);
        return;
    }
    lapic_setup(true);
    boot->machine.apic_id = lapic_id();
    lapic_timer_calibrate();
    if (!intr_apic_enable(&smp_platform)) {
        printf("smp: no usable I/O APIC: one CPU, legacy PIC\n");
        return;
    }
    trap_vector_register(TRAP_LAPIC_TIMER, smp_timer_intr);
    trap_vector_register(TRAP_IPI_CALL, smp_call_intr);
    trap_vector_register(TRAP_IPI_WAKEUP, smp_wakeup_intr);
    pit_stop();
    lapic_timer_start(CLOCK_HZ);

    smp_start_secondaries();
    printf("smp: %u CPUs online (firmware lists %u, from the %s; interrupts via %s)\n",
           percpu_nr_online, smp_platform.nr_cpus + smp_platform.nr_cpus_dropped,
           smp_platform.source, intr_controller());
}

static void
smp_shell_cpus(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("cpu apic ready      ticks\n");
    for (unsigned int i = 0; i < CONFIG_NCPUS; i++) {
        const struct percpu *pc = &percpu_table[i];

        if (pc->online) {
            printf("%3u %4u %5u %10llu\n", i, pc->machine.apic_id, thread_runq_length(i),
                   (unsigned long long)pc->ticks);
        }
    }
}

SHELL_CMD_DEFINE(cpus, "", "online CPUs, run-queue lengths, timer ticks", smp_shell_cpus);
