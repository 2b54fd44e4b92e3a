/* SPDX-License-Identifier: Apache-2.0 */
/* src/state/: names, the root's checks, claiming a name against other
 * processes, the state file, liveness, listing. Runs as any user: every
 * case has its own temporary directory as XDG_RUNTIME_DIR. */
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state.h"
#include "state-fixture.h"
#include "unit.h"
#include "util.h"

TEST(name_check_accepts_podman_names_and_says_why_it_refuses) {
        static const struct { const char *name; const char *reason; } cases[] = {
                { "db", NULL },
                { "web-1.example_2", NULL },
                { "9lives", NULL },
                { "a234567890123456789012345678901234567890123456789012345678901234", NULL },
                { "a2345678901234567890123456789012345678901234567890123456789012345", "is longer than 64 characters" },
                { "", "is empty" },
                { "a/b", "contains '/'" },
                { "..", "starts with '.'" },
                { ".hidden", "starts with '.'" },
                { "-rf", "starts with '-'" },
                { "_x", "does not start with a letter or digit" },
                { "tab\there", "contains a control character" },
                { "esc\033[2J", "contains a control character" },
                { "space here", "may hold only letters, digits, '_', '.' and '-'" },
                { "caf\xc3\xa9", "may hold only letters, digits, '_', '.' and '-'" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const char *reason = "unset";
                int r = state_name_check(cases[i].name, &reason);
                if (cases[i].reason) {
                        CHECK(r == -EINVAL);
                        CHECK_STREQ(reason, cases[i].reason);
                } else {
                        CHECK(r == 0);
                        CHECK(reason == NULL);
                }
        }
        CHECK(state_name_check(NULL, NULL) == -EINVAL);
}

TEST(create_refuses_a_bad_name_saying_why) {
        struct state_claim claim = STATE_CLAIM_NULL;
        struct fixture f;

        fixture_start(&f);
        capture_start();
        CHECK(state_create(f.root, "../x", &claim) == -EINVAL);
        CHECK_STREQ(capture_end(), "container name '../x' contains '/'");
        capture_start();
        CHECK(state_create(f.root, "bell\a", &claim) == -EINVAL);
        CHECK_STREQ(capture_end(), "container name 'bell\\x07' contains a control character");
        CHECK(claim.lock_fd == -1);
        fixture_end(&f);
}

TEST(root_is_made_private_under_the_runtime_dir) {
        struct fixture f;
        struct stat st;
        char path[128];

        fixture_start(&f);
        CHECK(f.root >= 0);
        snprintf(path, sizeof(path), "%s/userbox/containers", f.dir);
        CHECK(lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);
        CHECK(st.st_uid == geteuid());
        /* A second open finds it as it is. */
        {
                _cleanup_close_ int again = -1;
                CHECK(state_root_open_in(f.dir, "/nonexistent", &again) == 0);
        }
        fixture_end(&f);
}

TEST(root_refuses_a_runtime_dir_others_can_write) {
        struct fixture f;
        _cleanup_close_ int fd = -1;
        const char *msg;
        char path[128];

        fixture_start(&f);
        snprintf(path, sizeof(path), "%s/userbox", f.dir);
        CHECK(chmod(path, 0777) == 0);
        capture_start();
        CHECK(state_root_open_in(f.dir, "/nonexistent", &fd) == -EPERM);
        msg = capture_end();
        CHECK(strstr(msg, "/userbox' is writable by group or others (mode 0777)") != NULL);
        CHECK(fd == -1);
        fixture_end(&f);
}

TEST(tmp_fallback_is_made_0700_and_refuses_a_looser_mode_or_a_symlink) {
        struct fixture f;
        _cleanup_close_ int fd = -1;
        char user_dir[128], cmd[640];
        struct stat st;
        const char *msg;

        fixture_start(&f);
        snprintf(user_dir, sizeof(user_dir), "%s/userbox-%u", f.dir, (unsigned) geteuid());
        /* Missing: made, exactly 0700 whatever the umask. */
        CHECK(state_root_open_in(NULL, f.dir, &fd) == 0);
        CHECK(lstat(user_dir, &st) == 0 && (st.st_mode & 07777) == 0700);
        closep(&fd);
        fd = -1;

        /* There already, 0755: someone could have made it to read ours. */
        CHECK(chmod(user_dir, 0755) == 0);
        capture_start();
        CHECK(state_root_open_in("", f.dir, &fd) == -EPERM);
        msg = capture_end();
        CHECK(strstr(msg, "has mode 0755, not 0700") != NULL);
        CHECK(fd == -1);

        /* A symlink in its place, even to a good directory. */
        snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -m 700 '%s.real' && ln -s '%s.real' '%s'",
                 user_dir, user_dir, user_dir, user_dir);
        CHECK(system(cmd) == 0);
        capture_start();
        CHECK(state_root_open_in(NULL, f.dir, &fd) < 0);
        msg = capture_end();
        CHECK(strstr(msg, "is a symlink or not a directory") != NULL);
        fixture_end(&f);
}

TEST(second_create_of_a_held_name_is_eexist_with_a_clear_message) {
        struct state_claim claim = STATE_CLAIM_NULL;
        struct fixture f;
        const char *msg;
        int go = -1, status = -1;
        pid_t pid;

        fixture_start(&f);
        pid = spawn_holder(f.root, "db", true, &go);
        CHECK(pid > 0);
        CHECK(state_lock_held(f.root, "db") == 1);
        capture_start();
        CHECK(state_create(f.root, "db", &claim) == -EEXIST);
        msg = capture_end();
        CHECK_STREQ(msg, "container 'db' already exists");
        CHECK(claim.lock_fd == -1);
        /* The holder's container is untouched. */
        CHECK(path_exists_at(f.root, "db/state"));
        close(go);
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        fixture_end(&f);
}

TEST(remains_of_a_dead_launcher_are_cleaned_and_the_name_taken) {
        struct state_claim claim = STATE_CLAIM_NULL;
        struct state_entry *entries = NULL;
        struct fixture f;
        size_t n = 99;
        int go;

        fixture_start(&f);
        CHECK(spawn_holder(f.root, "gone", false, &go) > 0);
        CHECK(path_exists_at(f.root, "gone/state"));
        CHECK(state_lock_held(f.root, "gone") == 0);
        /* list removes them and shows nothing. */
        CHECK(state_list(f.root, &entries, &n) == 0);
        CHECK(n == 0);
        state_list_free(entries, n);
        CHECK(!path_exists_at(f.root, "gone"));

        /* create takes over remains it finds itself. */
        CHECK(spawn_holder(f.root, "gone", false, &go) > 0);
        CHECK(state_create(f.root, "gone", &claim) == 0);
        CHECK(claim.lock_fd >= 0 && !path_exists_at(claim.dir_fd, "state"));
        CHECK(state_lock_held(f.root, "gone") == 1);
        state_claim_done(&claim);
        fixture_end(&f);
}

/* N processes create one name at the same instant: exactly one wins. */
static void race_creators(int root, const char *name, unsigned *wins, unsigned *exists) {
        enum { N = 8 };
        int start[2], results[2], release[2];
        pid_t pids[N];
        char c;

        *wins = *exists = 0;
        if (pipe(start) < 0 || pipe(results) < 0 || pipe(release) < 0)
                return;
        for (unsigned i = 0; i < N; i++) {
                pids[i] = fork();
                if (pids[i] == 0) {
                        struct state_claim claim = STATE_CLAIM_NULL;
                        int r;
                        close(start[1]);
                        close(release[1]);
                        (void) read(start[0], &c, 1);  /* all go when it closes */
                        log_set_deferred(true);
                        r = state_create(root, name, &claim);
                        c = r == 0 ? 'W' : r == -EEXIST ? 'E' : 'X';
                        if (write(results[1], &c, 1) != 1)
                                _exit(1);
                        (void) read(release[0], &c, 1);  /* the winner holds on */
                        _exit(0);
                }
        }
        close(start[0]);
        close(release[0]);
        close(results[1]);
        close(start[1]);
        for (unsigned i = 0; i < N && read(results[0], &c, 1) == 1; i++) {
                if (c == 'W')
                        (*wins)++;
                else if (c == 'E')
                        (*exists)++;
        }
        close(results[0]);
        close(release[1]);
        for (unsigned i = 0; i < N; i++)
                waitpid(pids[i], NULL, 0);
}

TEST(concurrent_creators_of_one_name_exactly_one_wins) {
        struct fixture f;
        unsigned wins, exists;
        int go;

        fixture_start(&f);
        for (unsigned round = 0; round < 5; round++) {
                char name[16];
                snprintf(name, sizeof(name), "race%u", round);
                race_creators(f.root, name, &wins, &exists);
                CHECK(wins == 1 && exists == 7);
        }
        /* The same over the remains of a dead container. */
        CHECK(spawn_holder(f.root, "again", false, &go) > 0);
        race_creators(f.root, "again", &wins, &exists);
        CHECK(wins == 1 && exists == 7);
        fixture_end(&f);
}

TEST(state_file_round_trips_and_is_replaced_atomically) {
        struct state_claim claim = STATE_CLAIM_NULL;
        _cleanup_(state_done) struct state back = STATE_NULL;
        struct fixture f;
        struct state s;

        fixture_start(&f);
        CHECK(state_create(f.root, "rt", &claim) == 0);
        fill_state(&s, "/home/u/roots/debian \"quoted\"");
        s.detached = true;
        s.log_path = (char *) "/run/user/1000/userbox/containers/rt/log";
        CHECK(state_write(claim.dir_fd, &s) == 0);
        s.status = STATE_EXITED;
        s.exit_status = 143;
        CHECK(state_write(claim.dir_fd, &s) == 0);
        CHECK(!path_exists_at(claim.dir_fd, ".state.tmp"));
        CHECK(state_read(f.root, "rt", &back) == 0);
        CHECK(back.launcher_pid == s.launcher_pid && back.launcher_start_time == s.launcher_start_time);
        CHECK(back.init_pid == s.init_pid && back.init_start_time == s.init_start_time);
        CHECK(back.command_pid == s.command_pid && back.created == s.created);
        CHECK_STREQ(back.root, s.root);
        CHECK(back.argv && strv_length(back.argv) == 2);
        CHECK_STREQ(back.argv ? back.argv[1] : NULL, "infinity");
        CHECK(back.detached);
        CHECK_STREQ(back.log_path, s.log_path);
        CHECK(back.status == STATE_EXITED && back.exit_status == 143);
        CHECK(state_read(f.root, "nothere", &back) == -ENOENT);
        state_claim_done(&claim);
        fixture_end(&f);
}

static const char good_fields[] =
        "\"launcher_pid\": 10, \"launcher_start_time\": 5, \"init_pid\": 11, \"init_start_time\": 6, "
        "\"command_pid\": 12, \"root\": \"/r\", \"command\": [\"sh\"], \"created\": 1, "
        "\"detached\": false, \"log\": null, \"status\": \"running\"";

/* Writes text as NAME/state and returns what state_read printed. */
static const char *read_hostile(int root, int dir, const char *text, int *ret) {
        _cleanup_(state_done) struct state s = STATE_NULL;
        _cleanup_close_ int fd = openat(dir, "state", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text))
                return "(could not write)";
        capture_start();
        *ret = state_read(root, "h", &s);
        return capture_end();
}

TEST(hostile_state_files_are_refused_with_their_reason) {
        static char huge[70 * 1024];
        char text[1024];
        struct state_claim claim = STATE_CLAIM_NULL;
        struct fixture f;
        const char *msg;
        int r = 0;

        fixture_start(&f);
        CHECK(state_create(f.root, "h", &claim) == 0);
        static const struct { const char *text; const char *says; } cases[] = {
                { "not json at all", "state of container 'h' is invalid: not JSON" },
                { "", "is invalid: not JSON: unexpected end of data" },
                { "[1, 2]", "is invalid: not a JSON object" },
                { "null", "is invalid: not a JSON object" },
                { "{\"launcher_pid\": 1", "not JSON: unexpected end of data" },
                { "{}", "is invalid: missing field 'launcher_pid'" },
                { "{\"launcher_pid\": \"10\"}", "field 'launcher_pid' is not a process id" },
                { "{\"launcher_pid\": -1}", "field 'launcher_pid' is not a process id" },
                { "{\"launcher_pid\": 99999999999999999999999}", "field 'launcher_pid' is not a process id" },
                { "{\"launcher_pid\": 1.5}", "field 'launcher_pid' is not a process id" },
                { "{\"command\": []}", "field 'command' is not a non-empty array of strings" },
                { "{\"command\": [\"a\\u0000b\"]}", "field 'command' is not a non-empty array of strings" },
                { "{\"root\": 7}", "field 'root' is not a string" },
                { "{\"status\": \"paused\"}", "field 'status' is not \"running\" or \"exited\"" },
                { "{\"evil\": 1}", "unknown field 'evil'" },
                { "{\"a\": [[[[[[1]]]]]]}", "not JSON: nesting too deep" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                msg = read_hostile(f.root, claim.dir_fd, cases[i].text, &r);
                CHECK(r < 0);
                if (!strstr(msg, cases[i].says))
                        fprintf(stderr, "  case %zu: '%s'\n", i, msg);
                CHECK(strstr(msg, cases[i].says) != NULL);
        }
        snprintf(text, sizeof(text), "{%s, \"exit_status\": null} trailing", good_fields);
        msg = read_hostile(f.root, claim.dir_fd, text, &r);
        CHECK(r < 0 && strstr(msg, "not JSON: unexpected character"));
        snprintf(text, sizeof(text), "{%s, \"exit_status\": 3}", good_fields);
        msg = read_hostile(f.root, claim.dir_fd, text, &r);
        CHECK(r < 0 && strstr(msg, "'exit_status' must be set exactly when status is \"exited\""));
        snprintf(text, sizeof(text), "{%s, \"exit_status\": null}\n", good_fields);
        msg = read_hostile(f.root, claim.dir_fd, text, &r);
        CHECK(r == 0 && msg[0] == '\0');

        memset(huge, ' ', sizeof(huge) - 1);
        msg = read_hostile(f.root, claim.dir_fd, huge, &r);
        CHECK(r == -EFBIG && strstr(msg, "larger than 65536 bytes"));

        CHECK(unlinkat(claim.dir_fd, "state", 0) == 0);
        CHECK(symlinkat("/etc/passwd", claim.dir_fd, "state") == 0);
        {
                _cleanup_(state_done) struct state s = STATE_NULL;
                capture_start();
                CHECK(state_read(f.root, "h", &s) == -ELOOP);
                CHECK(strstr(capture_end(), "'state' is a symlink, refusing it") != NULL);
        }
        CHECK(unlinkat(claim.dir_fd, "state", 0) == 0);
        CHECK(mkfifoat(claim.dir_fd, "state", 0600) == 0);
        {
                _cleanup_(state_done) struct state s = STATE_NULL;
                capture_start();
                CHECK(state_read(f.root, "h", &s) == -EINVAL);
                CHECK(strstr(capture_end(), "'state' is not a regular file") != NULL);
        }
        state_claim_done(&claim);
        fixture_end(&f);
}

TEST(a_recycled_pid_is_never_taken_for_the_container) {
        struct state_claim claim = STATE_CLAIM_NULL;
        _cleanup_close_ int pidfd = -1;
        struct fixture f;
        struct state s;
        pid_t dead, holder;
        int status, go = -1;

        fixture_start(&f);
        /* A launcher that answers on its control socket, as a real one. */
        holder = spawn_holder(f.root, "held", true, &go);
        CHECK(holder > 0);
        CHECK(state_open_init_pidfd(f.root, "held", &pidfd) == 0 && pidfd >= 0);
        closep(&pidfd);
        pidfd = -1;
        if (go >= 0)
                close(go);
        CHECK(waitpid(holder, NULL, 0) == holder);

        CHECK(state_create(f.root, "live", &claim) == 0);
        fill_state(&s, "/r");
        CHECK(state_write(claim.dir_fd, &s) == 0);
        CHECK(state_alive(f.root, "live", &s) == 1);

        /* The same pid with another start time: another process now. */
        s.launcher_start_time++;
        CHECK(state_alive(f.root, "live", &s) == 0);
        s.launcher_start_time--;
        s.init_start_time++;
        CHECK(state_write(claim.dir_fd, &s) == 0);
        capture_start();
        closep(&pidfd);
        pidfd = -1;
        CHECK(state_open_init_pidfd(f.root, "live", &pidfd) == -ESRCH);
        CHECK_STREQ(capture_end(), "container 'live' is stopping (its init is gone)");
        CHECK(pidfd == -1);

        /* A pid no process has now. */
        dead = fork();
        if (dead == 0)
                _exit(0);
        waitpid(dead, &status, 0);
        CHECK(state_pidfd_open_checked(dead, 1, &pidfd) == -ESRCH);

        /* The lock released: not alive however right the pid. */
        state_claim_done(&claim);
        s.init_start_time--;
        CHECK(state_alive(f.root, "live", &s) == 0);
        capture_start();
        CHECK(state_open_init_pidfd(f.root, "live", &pidfd) == -ENOENT);
        CHECK_STREQ(capture_end(), "container 'live' does not exist (its launcher was killed; its remains are removed)");
        fixture_end(&f);
}

TEST(list_shows_live_containers_as_a_table_and_as_json) {
        struct state_claim a = STATE_CLAIM_NULL, b = STATE_CLAIM_NULL;
        struct state_entry *entries = NULL;
        _cleanup_free_ char *out = NULL;
        size_t n = 0, len = 0;
        struct fixture f;
        struct state s;
        FILE *mem;

        fixture_start(&f);
        CHECK(state_create(f.root, "web", &a) == 0);
        CHECK(state_create(f.root, "db", &b) == 0);
        fill_state(&s, "/srv/db-root");
        s.command_pid = 4242;
        CHECK(state_write(b.dir_fd, &s) == 0);
        /* An interrupted creation, its lock free: cleaned too. */
        CHECK(mkdirat(f.root, ".new-0123456789abcdef", 0700) == 0);
        CHECK(state_list(f.root, &entries, &n) == 0);
        CHECK(!path_exists_at(f.root, ".new-0123456789abcdef"));
        CHECK(n == 2);
        if (n == 2) {
                CHECK_STREQ(entries[0].name, "db");
                CHECK_STREQ(state_entry_status(&entries[0]), "running");
                CHECK_STREQ(entries[1].name, "web");
                CHECK_STREQ(state_entry_status(&entries[1]), "created");
        }
        mem = open_memstream(&out, &len);
        CHECK(state_format_table(mem, entries, n, 1700000000 + 3 * 3600 + 5) == 0);
        fclose(mem);
        CHECK(strncmp(out, "NAME  STATE     PID  MEMORY  ROOT", 33) == 0);
        /* No cgroup: no memory to show. */
        CHECK(strstr(out, "\ndb    running  4242       -  /srv/db-root  sleep infinity") != NULL);
        CHECK(strstr(out, "  3h\n") != NULL);
        free(out);
        out = NULL;

        mem = open_memstream(&out, &len);
        CHECK(state_format_json(mem, entries, n) == 0);
        fclose(mem);
        {
                json_object *o = json_tokener_parse(out);
                CHECK(o && json_object_is_type(o, json_type_array) && json_object_array_length(o) == 2);
                CHECK(strstr(out, "\"name\": \"db\"") && strstr(out, "\"pid\": 4242"));
                CHECK(strstr(out, "\"memory\": null") != NULL);
                json_object_put(o);
        }
        state_list_free(entries, n);

        /* remove leaves nothing of it. */
        CHECK(state_remove(f.root, "web") == 0);
        CHECK(!path_exists_at(f.root, "web"));
        state_claim_done(&a);
        state_claim_done(&b);
        fixture_end(&f);
}

TEST(generated_names_are_valid_and_free) {
        _cleanup_free_ char *name = NULL;
        struct fixture f;

        fixture_start(&f);
        CHECK(state_name_generate(f.root, &name) == 0);
        CHECK(name && strncmp(name, "userbox-", 8) == 0 && strlen(name) == 16);
        CHECK(name && state_name_check(name, NULL) == 0);
        CHECK(name && !path_exists_at(f.root, name));
        fixture_end(&f);
}

int main(void) {
        static const struct unit_case cases[] = {
                UNIT(name_check_accepts_podman_names_and_says_why_it_refuses),
                UNIT(create_refuses_a_bad_name_saying_why),
                UNIT(root_is_made_private_under_the_runtime_dir),
                UNIT(root_refuses_a_runtime_dir_others_can_write),
                UNIT(tmp_fallback_is_made_0700_and_refuses_a_looser_mode_or_a_symlink),
                UNIT(second_create_of_a_held_name_is_eexist_with_a_clear_message),
                UNIT(remains_of_a_dead_launcher_are_cleaned_and_the_name_taken),
                UNIT(concurrent_creators_of_one_name_exactly_one_wins),
                UNIT(state_file_round_trips_and_is_replaced_atomically),
                UNIT(hostile_state_files_are_refused_with_their_reason),
                UNIT(a_recycled_pid_is_never_taken_for_the_container),
                UNIT(list_shows_live_containers_as_a_table_and_as_json),
                UNIT(generated_names_are_valid_and_free),
        };
        return unit_main(cases, ELEMENTSOF(cases));
}
