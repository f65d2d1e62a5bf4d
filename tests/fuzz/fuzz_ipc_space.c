/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: IPC spaces driven by operation sequences.
 *
 * Each 8 bytes of the input are one operation of tests/unit/ipc_model.h
 * (allocate, allocate a name, insert, copy out, type, get/mod refs,
 * deallocate, destroy, rename, list names, destroy a space) on three
 * spaces, run on the real ipc/ code and on the reference model, with the
 * results and, every 16 operations and at the end, the whole state
 * compared. Then every space is destroyed: every port, entry and tree
 * node must come back. Any difference aborts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/kmem.h>
#include <kern/qsbr.h>
#include <kern/rdxtree.h>

#include "tests/unit/ipc_model.h"
#include "tests/unit/kmem_host.h"

#define FUZZ_MAX_OPS            4096

__thread unsigned int percpu_host_cpu;

void
panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "panic: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    abort();
}

static struct ipc_model fuzz_model;
static unsigned long fuzz_base_pages;

static unsigned long
fuzz_pages_after_purge(void)
{
    qsbr_drain();
    kmem_purge();
    return kmem_host_pages_used();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    kmem_host_setup(16384);
    kmem_setup();
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();
    fuzz_base_pages = fuzz_pages_after_purge();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t nr_ops = MIN(size / 8, FUZZ_MAX_OPS);
    unsigned long pages;

    ipc_model_init(&fuzz_model);
    for (size_t i = 0; i < nr_ops && fuzz_model.error[0] == '\0'; i++) {
        ipc_model_op(&fuzz_model, data + 8 * i);
        if (i % 16 == 15) {
            ipc_model_check(&fuzz_model);
        }
    }
    if (!ipc_model_check(&fuzz_model) || !ipc_model_fini(&fuzz_model)) {
        fprintf(stderr, "ipc model mismatch: %s\n", fuzz_model.error);
        abort();
    }
    pages = fuzz_pages_after_purge();
    if (pages != fuzz_base_pages) {
        fprintf(stderr, "%lu pages in use after the run, %lu before\n", pages,
                fuzz_base_pages);
        abort();
    }
    return 0;
}
