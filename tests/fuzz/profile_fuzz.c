/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: arbitrary bytes as a profile (through the line reader,
 * inih and every value parser), its printed form loaded back, and raw
 * (section, key, value) triples through profile_set(). No file is opened:
 * Include= is refused in this mode. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_text(const char *text, size_t size) {
        struct config c, again;
        char *printed = NULL;
        size_t printed_size = 0;
        FILE *f;

        config_init(&c);
        if (profile_load_string(&c, "fuzz.ini", text, size, false) >= 0) {
                f = open_memstream(&printed, &printed_size);
                if (f) {
                        profile_print(&c, f);
                        fclose(f);
                        config_init(&again);
                        (void) profile_load_string(&again, "printed.ini", printed, printed_size, false);
                        config_done(&again);
                        free(printed);
                }
        }
        config_done(&c);
}

/* "\x01SECTION\0KEY\0VALUE": one setting, as the command line would pass it. */
static void fuzz_setting(const char *data, size_t size) {
        const char *section = data, *key, *value, *end = data + size;
        struct config c;
        char *reason = NULL;

        key = memchr(section, '\0', size);
        if (!key)
                return;
        key++;
        value = memchr(key, '\0', (size_t) (end - key));
        if (!value)
                return;
        value++;
        if (!memchr(value, '\0', (size_t) (end - value)))
                return;
        config_init(&c);
        (void) profile_set(&c, section, key, value, &(struct origin) { NULL, 0 }, &reason);
        free(reason);
        (void) config_finalize(&c);
        config_done(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static int initialized;
        char *copy;

        if (!initialized) {
                /* Keep the first error in memory instead of printing each. */
                log_set_deferred(1);
                initialized = 1;
        }
        if (size > 1 << 16)
                return 0;
        copy = malloc(size + 1);
        if (!copy)
                return 0;
        memcpy(copy, data, size);
        copy[size] = '\0';
        if (size > 0 && copy[0] == '\x01')
                fuzz_setting(copy + 1, size - 1);
        else
                fuzz_text(copy, size);
        free(copy);
        return 0;
}
