# SPDX-License-Identifier: GPL-2.0-or-later
#
# ipc/ipc_msg.c: header checks and the typed-body cursor on arbitrary
# bytes, against the model of tests/unit/msg_model.h.
FUZZERS += ipc_msg
fuzz_ipc_msg_SRCS := tests/fuzz/fuzz_ipc_msg.c ipc/ipc_msg.c
fuzz_ipc_msg_CFLAGS := -DCONFIG_DEBUG
