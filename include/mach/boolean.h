/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boolean_t, as GNU Mach's interface uses it: an int, TRUE 1, FALSE 0. */
#ifndef MACH_BOOLEAN_H
#define MACH_BOOLEAN_H

typedef int boolean_t;

#ifndef TRUE
#define TRUE    1
#endif
#ifndef FALSE
#define FALSE   0
#endif

#endif /* MACH_BOOLEAN_H */
