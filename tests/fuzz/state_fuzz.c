/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: state_parse on arbitrary bytes. A state file steers
 * exec and stop to a pid, so whatever it accepts must be a whole, sane
 * state: pids > 0, a command of at least one word, a status and exit
 * status that agree; whatever it refuses must say why. An accepted state
 * written out and parsed again must come back the same. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_sane(const struct state *s) {
        CHECK(s->launcher_pid > 0 && s->init_pid > 0 && s->command_pid > 0);
        CHECK(s->root && s->argv && s->argv[0]);
        CHECK((s->status == STATE_EXITED) == (s->exit_status >= 0));
        CHECK(s->exit_status <= 255);
        CHECK(s->detached == (s->log_path != NULL));
}

static bool same_state(const struct state *a, const struct state *b) {
        size_t n = strv_length(a->argv);

        if (a->launcher_pid != b->launcher_pid || a->launcher_start_time != b->launcher_start_time ||
            a->init_pid != b->init_pid || a->init_start_time != b->init_start_time ||
            a->command_pid != b->command_pid || a->created != b->created || a->detached != b->detached ||
            a->status != b->status || a->exit_status != b->exit_status || !streq(a->root, b->root) ||
            !streq_ptr(a->log_path, b->log_path) || n != strv_length(b->argv))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!streq(a->argv[i], b->argv[i]))
                        return false;
        return true;
}

/* state_write writes into a directory: one, made at the first input, is
 * reused for every round trip. */
static int scratch_dir(void) {
        static int fd = -1;
        static char path[] = "/tmp/state_fuzz-XXXXXX";

        if (fd < 0 && mkdtemp(path))
                fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd;
}

static void round_trip(const struct state *s) {
        struct state back = STATE_NULL;
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL, *reason = NULL;
        size_t len;
        int dir = scratch_dir();

        if (dir < 0 || state_write(dir, s) < 0)
                return;
        fd = openat(dir, "state", O_RDONLY | O_CLOEXEC);
        CHECK(fd >= 0);
        CHECK(read_full_fd(fd, 1 << 20, &text, &len) >= 0);
        CHECK(state_parse(text, len, &back, &reason) == 0);
        CHECK(same_state(s, &back));
        state_done(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct state s = STATE_NULL;
        char *reason = NULL;

        if (state_parse((const char *) data, size, &s, &reason) < 0) {
                CHECK(reason != NULL);
                CHECK(s.root == NULL && s.argv == NULL);
                free(reason);
                return 0;
        }
        CHECK(reason == NULL);
        check_sane(&s);
        round_trip(&s);
        state_done(&s);
        return 0;
}
