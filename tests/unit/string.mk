# SPDX-License-Identifier: GPL-2.0-or-later
#
# kern/string.c against the C library. The kernel's functions have the
# standard names, so this test renames them (memcpy -> kmemcpy, ...) on
# the command line; test_string.c undoes the renaming for its own text
# and declares the k* functions itself. Other host tests do not link
# kern/string.c at all: they get these functions from the C library.
UNIT_TESTS += string
unit_string_SRCS := tests/unit/test_string.c kern/string.c
unit_string_CFLAGS := -Dmemcpy=kmemcpy -Dmemmove=kmemmove -Dmemset=kmemset \
    -Dmemcmp=kmemcmp -Dstrlen=kstrlen -Dstrcmp=kstrcmp -Dstrncmp=kstrncmp \
    -Dstrchr=kstrchr -Dstrcspn=kstrcspn -Dstrlcpy=kstrlcpy
