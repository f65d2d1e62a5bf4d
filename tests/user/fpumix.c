/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x87 and SSE state of user tasks across preemption and migration. Boot
 * lines: "fpumix-X SEED $(task-create) $(task-resume)", eight copies with
 * different seeds on four CPUs (tasks stand in for threads: a user
 * program cannot create threads until thread_create's RPC exists).
 *
 * Each copy loads values of its own once: seven integers derived from
 * SEED on the x87 stack, eight patterns in XMM0-7, a rounding mode in the
 * x87 control word and in MXCSR. From then on it changes them in place,
 * all the time, and keeps a model of what they must hold in memory: a
 * step adds 1.0 to the bottom x87 register and XORs each XMM register
 * with the next. So a lost save, a restore of an old image or of another
 * copy's registers shows up as a difference, not only a reset. Between
 * steps it spins (eight copies on four CPUs: the timer preempts them)
 * and sleeps in thread_switch(SWITCH_OPTION_WAIT), which blocks: CPUs go
 * idle and steal ready copies, and a woken copy goes to the least loaded
 * CPU. After each piece of work it reads every register back (FNSTCW,
 * STMXCSR, FLD ST(i) + FISTP, MOVUPS) and compares it with the model.
 * CPUID leaf 1 (unprivileged) gives the APIC ID of the CPU the copy runs
 * on: each copy must have moved at least twice, so the state was carried
 * across migrations, and checked there.
 */
#include <stdint.h>

#include "lib/ulib.h"

#define ROUNDS_MIN              8
#define ROUNDS_MAX              100
#define TSC_PER_MS              2000000ull  /* a guess (2 GHz): only for pacing */
#define SWITCH_OPTION_WAIT      2
#define NR_X87                  7           /* one slot free for the step's fld1 */

/* The model: what the registers must hold. */
static int x87_model[NR_X87];               /* [i] is ST(i) */
static uint32_t xmm_model[8][4] __attribute__((aligned(16)));
static uint32_t xmm_read[8][4] __attribute__((aligned(16)));

static unsigned int
fpumix_apic_id(void)
{
    unsigned int a = 1, b, c = 0, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return b >> 24;
}

/* Load the model into the registers, once. */
static void
fpumix_load(uint16_t fcw, uint32_t mxcsr)
{
    __asm__ volatile("fninit\n\tfldcw %0\n\tldmxcsr %1" : : "m"(fcw), "m"(mxcsr));
    for (int i = NR_X87 - 1; i >= 0; i--) {
        __asm__ volatile("fildl %0" : : "m"(x87_model[i]));
    }
    __asm__ volatile("movups 0(%0), %%xmm0\n\tmovups 16(%0), %%xmm1\n\t"
                     "movups 32(%0), %%xmm2\n\tmovups 48(%0), %%xmm3\n\t"
                     "movups 64(%0), %%xmm4\n\tmovups 80(%0), %%xmm5\n\t"
                     "movups 96(%0), %%xmm6\n\tmovups 112(%0), %%xmm7"
                     : : "r"(xmm_model) : "memory");
}

/* Change the registers in place, and the model the same way. */
static void
fpumix_step(void)
{
    __asm__ volatile("fld1\n\tfaddp %%st, %%st(7)\n\t"
                     "xorps %%xmm1, %%xmm0\n\txorps %%xmm2, %%xmm1\n\t"
                     "xorps %%xmm3, %%xmm2\n\txorps %%xmm4, %%xmm3\n\t"
                     "xorps %%xmm5, %%xmm4\n\txorps %%xmm6, %%xmm5\n\t"
                     "xorps %%xmm7, %%xmm6\n\txorps %%xmm0, %%xmm7" : : : "memory");
    x87_model[NR_X87 - 1]++;
    for (unsigned int r = 0; r < 8; r++) {
        for (unsigned int w = 0; w < 4; w++) {
            xmm_model[r][w] ^= xmm_model[(r + 1) % 8][w];
        }
    }
}

/* ST(i) as an integer, the stack unchanged. */
#define FPUMIX_ST(i, out) __asm__ volatile("fld %%st(" #i ")\n\tfistpl %0" : "=m"(out))

/* Whether every register holds what the model says. */
static bool
fpumix_intact(uint16_t fcw, uint32_t mxcsr)
{
    int st[NR_X87];
    uint16_t got_fcw;
    uint32_t got_mxcsr;

    __asm__ volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(got_fcw), "=m"(got_mxcsr));
    FPUMIX_ST(0, st[0]);
    FPUMIX_ST(1, st[1]);
    FPUMIX_ST(2, st[2]);
    FPUMIX_ST(3, st[3]);
    FPUMIX_ST(4, st[4]);
    FPUMIX_ST(5, st[5]);
    FPUMIX_ST(6, st[6]);
    __asm__ volatile("movups %%xmm0, 0(%0)\n\tmovups %%xmm1, 16(%0)\n\t"
                     "movups %%xmm2, 32(%0)\n\tmovups %%xmm3, 48(%0)\n\t"
                     "movups %%xmm4, 64(%0)\n\tmovups %%xmm5, 80(%0)\n\t"
                     "movups %%xmm6, 96(%0)\n\tmovups %%xmm7, 112(%0)"
                     : : "r"(xmm_read) : "memory");
    return got_fcw == fcw && got_mxcsr == mxcsr
           && memcmp(st, x87_model, sizeof(st)) == 0
           && memcmp(xmm_read, xmm_model, sizeof(xmm_read)) == 0;
}

struct fpumix_stats {
    unsigned int checks, bad, steps, sleeps, migrations, cpus, last_cpu;
};

/* Check the registers, note a move to another CPU, then take a step. */
static void
fpumix_check(struct fpumix_stats *s, uint16_t fcw, uint32_t mxcsr)
{
    unsigned int cpu = fpumix_apic_id();

    s->checks++;
    s->bad += !fpumix_intact(fcw, mxcsr);
    if (cpu != s->last_cpu) {
        s->migrations++;
        s->cpus |= 1u << (cpu & 31);
        s->last_cpu = cpu;
    }
    fpumix_step();
    s->steps++;
}

int
main(int argc, char **argv, char **envp)
{
    struct fpumix_stats s = { 0 };
    unsigned int seed = 0;
    uint16_t fcw;
    uint32_t mxcsr;

    (void)envp;
    tap_plan(4);
    for (const char *p = argc > 1 ? argv[1] : ""; *p >= '0' && *p <= '9'; p++) {
        seed = seed * 10 + (unsigned int)(*p - '0');
    }
    fcw = (uint16_t)(0x037f | ((seed & 3) << 10));            /* rounding control */
    mxcsr = 0x1f80 | ((seed & 3) << 13) | ((seed & 4) << 13);   /* RC, FZ for some */
    for (unsigned int i = 0; i < NR_X87; i++) {
        x87_model[i] = (int)(seed * 100000 + i * 1000);
    }
    for (unsigned int r = 0; r < 8; r++) {
        for (unsigned int w = 0; w < 4; w++) {
            xmm_model[r][w] = (seed * 0x01010101u) ^ ((r * 4 + w) * 0x9e3779b9u);
        }
    }
    fpumix_load(fcw, mxcsr);
    tap_ok(argc == 2 && fpumix_intact(fcw, mxcsr),
           "seed %u: FCW 0x%x, MXCSR 0x%x, x87 and XMM0-7 loaded", seed, fcw, mxcsr);

    s.last_cpu = fpumix_apic_id();
    s.cpus = 1u << (s.last_cpu & 31);
    for (unsigned int round = 0; round < ROUNDS_MAX; round++) {
        unsigned int pause = 1 + (seed + round) % 3;
        uint64_t until = u_rdtsc() + TSC_PER_MS * (5 + 20 * ((seed * 7 + round) % 4));

        if (round >= ROUNDS_MIN && s.migrations >= 2) {
            break;
        }
        /* Spin 5 to 65 ms, out of step with the other copies, stepping all along. */
        while (u_rdtsc() < until) {
            volatile unsigned int sink = 0;

            for (unsigned int i = 0; i < 1000; i++) {
                sink += i;
            }
            fpumix_check(&s, fcw, mxcsr);
        }
        /* Sleep 10 to 30 ms. */
        thread_switch(MACH_PORT_NULL, SWITCH_OPTION_WAIT, pause * 10);
        s.sleeps++;
        fpumix_check(&s, fcw, mxcsr);
    }
    tap_ok(s.bad == 0, "FCW, MXCSR, x87 and XMM registers as the model says in %u of %u "
           "checks (%u steps, %u sleeps)", s.checks - s.bad, s.checks, s.steps, s.sleeps);
    tap_ok(s.migrations >= 2, "moved between CPUs %u times", s.migrations);
    tap_ok((s.cpus & (s.cpus - 1)) != 0, "ran on CPUs with APIC IDs 0x%x (a bit per ID)",
           s.cpus);
    tap_done();
}
