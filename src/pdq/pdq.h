/* SPDX-License-Identifier: Apache-2.0 */
/* pdq.h: PDQ image hashes (docs/pdq.md): what the pdq stage shares inside the library. */
#ifndef VG_PDQ_H
#define VG_PDQ_H

#include <stdlib.h>

#include "core.h"

#endif /* VG_PDQ_H */
