/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for kern/elf.c. The input is the image itself, or,
 * when its first byte is odd, a patch applied to a valid two-segment
 * image (so most runs get past the header checks): pairs of (offset,
 * byte) over the header and program headers. Every accepted image must
 * satisfy the guarantees of kern/elf.h (tests/unit/elf_build.h checks
 * them); ASan catches any read outside the image, which is copied into
 * a buffer of exactly its size.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kern/elf.h>
#include "../unit/elf_build.h"

static void
check(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    struct elf_image img;

    memcpy(copy, data, size);
    if (elf_parse(copy, size, &img) == 0) {
        if (!eb_image_ok(&img, copy, size)) {
            abort();
        }
    } else if (elf_strerror(elf_parse(copy, size, &img))[0] == '\0') {
        abort();
    }
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct eb_phdr ph[] = {
        { EB_PT_LOAD, 0, 0x08048000, 0x100, 0x100, EB_PF_R | EB_PF_X },
        { EB_PT_LOAD, 0x100, 0x08049100, 0x40, 0x2000, EB_PF_R | EB_PF_W },
        { EB_PT_GNU_STACK, 0, 0, 0, 0, EB_PF_R | EB_PF_W },
    };
    uint8_t image[0x200];

    if (size == 0 || (data[0] & 1) == 0) {
        check(data, size);
        return 0;
    }
    eb_build(image, sizeof(image), EB_ET_EXEC, 0x08048000, ph, 3);
    for (size_t i = 1; i + 1 < size; i += 2) {
        image[data[i] % (52 + 3 * 32)] = data[i + 1];
    }
    check(image, (size & 2) ? sizeof(image) - data[size - 1] : sizeof(image));
    return 0;
}
