/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder while `vigie returns` is being written (issue 5); replaced in the same session. */
#include <stdio.h>

#include "cli.h"

int cmd_returns(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("vigie returns: not written yet\n", stderr);
    return 2;
}
