/* SPDX-License-Identifier: Apache-2.0 */
/* src/state/state-control.c and state-log.c: what stop, kill, wait, rm and
 * logs find and do, with child processes standing for launchers. */
#include <signal.h>

#include "state.h"
#include "state-fixture.h"
#include "unit.h"
#include "util.h"

TEST(an_exited_detached_container_is_kept_listed_and_its_name_taken) {
        struct state_claim claim = STATE_CLAIM_NULL;
        struct state_entry *entries = NULL;
        _cleanup_(state_done) struct state s = STATE_NULL;
        enum state_phase phase;
        struct fixture f;
        int go, pidfd = -1, status = -1;
        size_t n = 0;

        fixture_start(&f);
        CHECK(spawn_launcher(f.root, "done", false, &go, 3) > 0);
        CHECK(state_lock_held(f.root, "done") == 0);
        CHECK(state_list(f.root, &entries, &n) == 0);
        CHECK(n == 1 && streq(entries[0].name, "done") && streq(state_entry_status(&entries[0]), "exited"));
        state_list_free(entries, n);
        CHECK(path_exists_at(f.root, "done/state"));

        capture_start();
        CHECK(state_create(f.root, "done", &claim) == -EEXIST);
        CHECK_STREQ(capture_end(), "container 'done' already exists (exited; remove it with 'userbox rm done')");
        CHECK(state_find(f.root, "done", &s, &phase) == 0 && phase == STATE_PHASE_EXITED && s.exit_status == 3);
        CHECK(state_wait(f.root, "done", &status) == 0 && status == 3);
        capture_start();
        CHECK(state_open_init_pidfd(f.root, "done", &pidfd) == -ESRCH);
        CHECK_STREQ(capture_end(), "container 'done' is not running (exited with status 3)");
        capture_start();
        CHECK(state_stop(f.root, "done", 1) == -ESRCH);
        CHECK_STREQ(capture_end(), "container 'done' is not running (exited with status 3)");
        CHECK(path_exists_at(f.root, "done"));

        CHECK(state_rm(f.root, "done", false) == 0);
        CHECK(!path_exists_at(f.root, "done"));
        capture_start();
        CHECK(state_rm(f.root, "done", false) == -ENOENT);
        CHECK_STREQ(capture_end(), "container 'done' does not exist");
        fixture_end(&f);
}

TEST(remains_are_removed_by_the_command_that_finds_them) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        enum state_phase phase;
        struct fixture f;
        int go;

        fixture_start(&f);
        CHECK(spawn_holder(f.root, "killed", false, &go) > 0);
        capture_start();
        CHECK(state_find(f.root, "killed", &s, &phase) == -ENOENT);
        CHECK_STREQ(capture_end(), "container 'killed' does not exist (its launcher was killed; its remains are removed)");
        CHECK(!path_exists_at(f.root, "killed"));
        fixture_end(&f);
}

TEST(rm_refuses_a_running_container_and_rm_force_stops_it) {
        struct fixture f;
        int go = -1, status = 0;
        pid_t pid;

        fixture_start(&f);
        pid = spawn_holder(f.root, "busy", true, &go);
        CHECK(pid > 0);
        capture_start();
        CHECK(state_rm(f.root, "busy", false) == -EBUSY);
        CHECK_STREQ(capture_end(), "container 'busy' is running; stop it first or rm -f");
        CHECK(path_exists_at(f.root, "busy"));
        /* The holder dies of the TERM (or KILL) stop sends its "launcher". */
        CHECK(state_rm(f.root, "busy", true) == 0);
        CHECK(!path_exists_at(f.root, "busy"));
        CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
        if (go >= 0)
                close(go);
        fixture_end(&f);
}

TEST(stop_terms_the_launcher_and_removes_the_state) {
        struct fixture f;
        int go = -1, status = 0;
        pid_t pid;

        fixture_start(&f);
        pid = spawn_holder(f.root, "web", true, &go);
        CHECK(pid > 0);
        CHECK(state_stop(f.root, "web", 5) == 0);
        CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
        CHECK(!path_exists_at(f.root, "web"));
        capture_start();
        CHECK(state_stop(f.root, "web", 5) == -ENOENT);
        CHECK_STREQ(capture_end(), "container 'web' does not exist");
        if (go >= 0)
                close(go);
        fixture_end(&f);
}

TEST(kill_signals_the_command_checked_through_its_parent) {
        struct fixture f;
        int go = -1, status = 0;
        pid_t pid;

        fixture_start(&f);
        /* The holder is launcher, init and command at once: --no-init. */
        pid = spawn_holder(f.root, "k", true, &go);
        CHECK(pid > 0);
        CHECK(state_kill(f.root, "k", SIGUSR1) == 0);
        CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);
        if (go >= 0)
                close(go);
        fixture_end(&f);
}

TEST(a_command_pid_that_is_not_a_child_of_init_is_never_signalled) {
        _cleanup_close_ int dir = -1;
        struct fixture f;
        struct state s = STATE_NULL;
        int pidfd = -1, go = -1;
        pid_t pid;

        fixture_start(&f);
        /* A launcher that is init too; its state then names as its command
         * our own parent: alive, but no child of that init. */
        pid = spawn_holder(f.root, "other", true, &go);
        CHECK(pid > 0);
        CHECK(state_read(f.root, "other", &s) == 0);
        s.command_pid = getppid();
        dir = openat(f.root, "other", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(dir >= 0 && state_write(dir, &s) == 0);
        capture_start();
        CHECK(state_open_command_pidfd(f.root, "other", &pidfd) == -ESRCH);
        CHECK(strstr(capture_end(), "container 'other': its command (pid") != NULL);
        CHECK(pidfd == -1);
        state_done(&s);
        if (go >= 0)
                close(go);
        CHECK(waitpid(pid, NULL, 0) == pid);
        fixture_end(&f);
}

TEST(wait_returns_the_status_the_launcher_writes_when_it_exits) {
        struct fixture f;
        int ready[2], status = -1;
        pid_t pid;
        char c = 0;

        fixture_start(&f);
        CHECK(pipe2(ready, O_CLOEXEC) == 0);
        pid = fork();
        if (pid == 0) {
                struct state_claim claim = STATE_CLAIM_NULL;
                struct state s;
                close(ready[0]);
                if (state_create(f.root, "w", &claim) < 0)
                        _exit(1);
                fill_state(&s, "/r");
                s.detached = true;
                s.log_path = (char *) "log";
                if (state_write(claim.dir_fd, &s) < 0 || write(ready[1], "R", 1) != 1)
                        _exit(1);
                /* The command runs a while, then the launcher records its end. */
                usleep(200 * 1000);
                s.status = STATE_EXITED;
                s.exit_status = 7;
                _exit(state_write(claim.dir_fd, &s) < 0);
        }
        close(ready[1]);
        CHECK(read(ready[0], &c, 1) == 1);
        close(ready[0]);
        CHECK(state_wait(f.root, "w", &status) == 0 && status == 7);
        waitpid(pid, NULL, 0);
        fixture_end(&f);
}

static const char *logs_of(int root, const char *name, int *ret) {
        static char out[256];
        char path[] = "/tmp/userbox-unit-log-XXXXXX";
        int fd = mkstemp(path);
        ssize_t n = 0;

        out[0] = '\0';
        if (fd < 0)
                return out;
        unlink(path);
        capture_start();
        *ret = state_logs(root, name, true, fd);
        (void) capture_end();
        if (lseek(fd, 0, SEEK_SET) == 0)
                n = read(fd, out, sizeof(out) - 1);
        out[n > 0 ? n : 0] = '\0';
        close(fd);
        return out;
}

TEST(logs_print_the_rotated_log_then_the_current_one) {
        _cleanup_close_ int dir = -1;
        struct fixture f;
        int go, r = -1;

        fixture_start(&f);
        CHECK(spawn_launcher(f.root, "talk", false, &go, 0) > 0);
        dir = openat(f.root, "talk", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(dir >= 0);
        CHECK(write_string_at(dir, "log.1", "older\n") == 0);
        CHECK(write_string_at(dir, "log", "newer\n") == 0);
        /* -f of an exited container: all of it, then it returns. */
        CHECK_STREQ(logs_of(f.root, "talk", &r), "older\nnewer\n");
        CHECK(r == 0);
        fixture_end(&f);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(an_exited_detached_container_is_kept_listed_and_its_name_taken),
                UNIT(remains_are_removed_by_the_command_that_finds_them),
                UNIT(rm_refuses_a_running_container_and_rm_force_stops_it),
                UNIT(stop_terms_the_launcher_and_removes_the_state),
                UNIT(kill_signals_the_command_checked_through_its_parent),
                UNIT(a_command_pid_that_is_not_a_child_of_init_is_never_signalled),
                UNIT(wait_returns_the_status_the_launcher_writes_when_it_exits),
                UNIT(logs_print_the_rotated_log_then_the_current_one),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
