/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder while `vigie storms` is being written (issue 5); replaced in the same session. */
#include <stdio.h>

#include "cli.h"

int cmd_storms(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("vigie storms: not written yet\n", stderr);
    return 2;
}
