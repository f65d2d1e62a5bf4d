# SPDX-License-Identifier: GPL-2.0-or-later
# kern/rbtree.c against a sorted array, with red-black and augmentation checks.
UNIT_TESTS += rbtree
unit_rbtree_SRCS := tests/unit/test_rbtree.c kern/rbtree.c
unit_rbtree_CFLAGS :=
