/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_lang.c: libFuzzer target for vg_lang_identify (src/text/text_lang.c). Any bytes are a
 * post: the answer must be a 2- or 3-letter code, "und" must come with confidence 0, and the
 * confidence must lie in [0, 1]. Also feeds the same bytes without the last one, so a sequence
 * cut in the middle is read too. Corpus: tests/fuzz/corpus/fuzz_lang/ (invented texts).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigie.h"

static void check(const char *data, size_t size)
{
    double conf = -1;
    const char *lang = vg_lang_identify(data, size, &conf);
    size_t n = lang ? strlen(lang) : 0;
    if (n < 2 || n > 3 || !(conf >= 0.0 && conf <= 1.0))
        abort();
    if (strcmp(lang, "und") == 0 && conf != 0.0)
        abort();
    if (vg_lang_identify(data, size, NULL) != lang)
        abort(); /* deterministic, and the same static string */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *)data, size);
    if (size > 0)
        check((const char *)data, size - 1);
    return 0;
}
