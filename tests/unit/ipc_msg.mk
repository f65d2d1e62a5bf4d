# SPDX-License-Identifier: GPL-2.0-or-later
#
# ipc/ipc_msg.c, the message format: ABI values, header checks, every
# body rule, random bodies against their item lists and corrupted ones
# against the model of tests/unit/msg_model.h. With CONFIG_DEBUG, so the
# parser's asserts run.
UNIT_TESTS += ipc_msg
unit_ipc_msg_SRCS := tests/unit/test_ipc_msg.c ipc/ipc_msg.c
unit_ipc_msg_CFLAGS := -DCONFIG_DEBUG
