/* SPDX-License-Identifier: Apache-2.0 */
/* Build-time generator: the data half of userbox's bash completion, read
 * from the tables the command line and the profiles are parsed with (the
 * subcommands, their options, the key each option sets and the values that
 * key takes), so that the completion cannot drift from the binary. The
 * shell code that uses it is completion/userbox.bash.in. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "security.h"
#include "cli.h"
#include "profile.h"
#include "profile-internal.h"
#include "util.h"

/* How an option's value is completed: the names the shell code knows. */
enum value_kind {
        VALUE_TEXT,                     /* anything: nothing offered */
        VALUE_WORD,                     /* one of the words */
        VALUE_WORDS,                    /* some of the words, separated by commas */
        VALUE_DIRECTORY,                /* a host directory */
        VALUE_DIRECTORIES,              /* host directories separated by ':' */
        VALUE_WORD_OR_DIRECTORY,
        VALUE_WORD_OR_PATH,
        VALUE_PATH_THEN_TEXT,           /* a host path, then ':' and what the shell cannot know */
        VALUE_VARIABLE,                 /* a host variable's name */
        VALUE_VARIABLE_ASSIGNMENT,      /* NAME=VALUE, NAME a host variable's */
        VALUE_WORD_ASSIGNMENT,          /* NAME=VALUE, NAME one of the words */
        VALUE_PROFILE,                  /* a profile's name (userbox profiles), or a path */
};

static const char *const kind_names[] = {
        [VALUE_TEXT] = "text",
        [VALUE_WORD] = "word",
        [VALUE_WORDS] = "words",
        [VALUE_DIRECTORY] = "directory",
        [VALUE_DIRECTORIES] = "directories",
        [VALUE_WORD_OR_DIRECTORY] = "word-or-directory",
        [VALUE_WORD_OR_PATH] = "word-or-path",
        [VALUE_PATH_THEN_TEXT] = "path-then-text",
        [VALUE_VARIABLE] = "variable",
        [VALUE_VARIABLE_ASSIGNMENT] = "variable-assignment",
        [VALUE_WORD_ASSIGNMENT] = "word-assignment",
        [VALUE_PROFILE] = "profile",
};

static void add_word(FILE *f, const char *word) {
        if (word)
                fprintf(f, "%s%s", ftell(f) > 0 ? " " : "", word);
}

/* kill -s: the names, as cli_parse_signal takes them without "SIG". */
static void add_signal_names(FILE *f) {
        for (int sig = 1; sig < SIGRTMIN; sig++)
                add_word(f, sigabbrev_np(sig));
}

static void add_booleans(FILE *f) {
        add_word(f, "yes");
        add_word(f, "no");
}

static void add_formats(FILE *f) {
        add_word(f, "table");
        add_word(f, "json");
}

/* The options whose value is no profile key's: each one named here, or
 * the build stops, so that a new option cannot go without completion. */
static const struct {
        const char *option;
        enum value_kind kind;
        const char *words_section;      /* VALUE_WORD_ASSIGNMENT: the keys of this section */
        void (*add_words)(FILE *f);     /* VALUE_WORD: its words */
} plain_options[] = {
        { "profile", VALUE_PROFILE, NULL, NULL },
        { "env", VALUE_VARIABLE_ASSIGNMENT, NULL, NULL },
        { "limit", VALUE_WORD_ASSIGNMENT, "Limits", NULL },
        { "preserve-fds", VALUE_TEXT, NULL, NULL },
        { "time", VALUE_TEXT, NULL, NULL },
        { "signal", VALUE_WORD, NULL, add_signal_names },
        { "format", VALUE_WORD, NULL, add_formats },
        /* import and pull's image name (run's --name is a profile key). */
        { "name", VALUE_TEXT, NULL, NULL },
        { "ref", VALUE_TEXT, NULL, NULL },
        { "tls-verify", VALUE_WORD, NULL, add_booleans },
};

static void add_enum_names(FILE *f, enum config_key id) {
        /* The enums are small: every value a name exists for. */
        for (int v = 0; v < 64; v++)
                add_word(f, profile_enum_name(id, v));
}

/* The modes a helper connects, with their option too. */
static void add_network_options(FILE *f) {
        for (int v = 0; v < 64; v++)
                if (profile_network_mode_has_helper(v)) {
                        _cleanup_free_ char *word = NULL;
                        if (asprintf(&word, "%s:" PROFILE_NETWORK_HOST_LOOPBACK, profile_network_mode_name(v)) >= 0)
                                add_word(f, word);
                }
}

/* The kind of a key's value, and its words into f. A switch without a
 * default: a new key is a compiler warning here until it is named. */
static enum value_kind key_value(enum config_key id, FILE *f) {
        switch (id) {
        case KEY_IDMAP_MODE: case KEY_SECCOMP:
                add_enum_names(f, id);
                return VALUE_WORD;
        case KEY_NETWORK:
                add_enum_names(f, id);
                add_network_options(f);
                return VALUE_WORD;
        case KEY_OVERLAY:
                add_enum_names(f, id);
                return VALUE_WORD_OR_DIRECTORY;
        case KEY_INIT: case KEY_READ_ONLY: case KEY_TTY: case KEY_IPC: case KEY_UTS: case KEY_CGROUP:
        case KEY_ENV_CLEAR: case KEY_NO_NEW_PRIVILEGES:
                add_word(f, "yes");
                add_word(f, "no");
                return VALUE_WORD;
        case KEY_CAP_ADD: case KEY_CAP_DROP:
                add_word(f, "all");
                for (int cap = 0; cap < 64; cap++)
                        add_word(f, caps_to_name(cap));
                return VALUE_WORDS;
        case KEY_DEVICE:
                for (size_t i = 0; profile_device_class_name(i); i++)
                        add_word(f, profile_device_class_name(i));
                return VALUE_WORD_OR_PATH;
        case KEY_ROOT:
                return VALUE_DIRECTORY;
        case KEY_LAYERS:
                return VALUE_DIRECTORIES;
        case KEY_BIND: case KEY_BIND_READ_ONLY:
                return VALUE_PATH_THEN_TEXT;
        case KEY_ENV_KEEP:
                return VALUE_VARIABLE;
        case KEY_ENV_FILE:
                return VALUE_WORD_OR_PATH;
        case KEY_INCLUDE: case KEY_DESCRIPTION: case KEY_NAME: case KEY_COMMAND: case KEY_ENTRYPOINT: case KEY_WORKING_DIRECTORY: case KEY_HOSTNAME:
        case KEY_USER: case KEY_IDMAP_UID: case KEY_IDMAP_GID: case KEY_TMPFS: case KEY_ENV_SET:
        case KEY_SECCOMP_DENY: case KEY_SECCOMP_ALLOW: case KEY_SECCOMP_ERRNO: case KEY_RLIMIT: case KEY_MEMORY:
        case KEY_PIDS: case KEY_CPUS: case KEY_MEMORY_SWAP: case KEY_CGROUP_PARENT: case KEY_PUBLISH: case _KEY_MAX:
                return VALUE_TEXT;
        }
        return VALUE_TEXT;
}

static int option_value(const struct cli_option_info *o, FILE *f, enum value_kind *ret) {
        const struct profile_key *k;

        if (o->key) {
                k = profile_key_find(o->section, o->key);
                if (!k)
                        return -ENOENT;
                *ret = key_value(k->id, f);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(plain_options); i++) {
                if (!streq(plain_options[i].option, o->name))
                        continue;
                for (size_t j = 0; plain_options[i].words_section && j < profile_n_keys; j++)
                        if (streq(profile_keys[j].section, plain_options[i].words_section))
                                add_word(f, profile_keys[j].key);
                if (plain_options[i].add_words)
                        plain_options[i].add_words(f);
                *ret = plain_options[i].kind;
                return 0;
        }
        return -ENOENT;
}

/* Another row takes the same letter (stop's -t, run's -t). */
static bool short_name_shared(const struct cli_option_info *o) {
        struct cli_option_info other;

        for (size_t i = 0; o->short_name && cli_option_info(i, &other); i++)
                if (other.short_name == o->short_name && !streq(other.name, o->name))
                        return true;
        return false;
}

/* The option as a shell case pattern over "COMMAND OPTION": any command's
 * `*" -p" | *" --profile"`, or, for a letter two rows share, only those
 * of the commands that take this row: `run" -t" | run" --tty" | ...`. */
static void print_pattern(const struct cli_option_info *o) {
        enum cli_command command;
        const char *name;
        bool shared = short_name_shared(o);
        size_t n = 0;

        for (size_t c = 0; cli_command_info(c, &name, &command); c++) {
                const char *prefix = shared ? name : "*";
                if (shared && !(o->commands & (1u << command)))
                        continue;
                if (o->short_name)
                        printf("%s%s\" -%c\"", n++ ? " | " : "", prefix, o->short_name);
                printf("%s%s\" --%s\"", n++ ? " | " : "", prefix, o->name);
                if (!shared)
                        break;
        }
}

static int print_values(void) {
        struct cli_option_info o;

        printf("# _userbox_value COMMAND OPTION: how its value is completed: _userbox_kind\n"
               "# (none: it takes no value), _userbox_words, and _userbox_optional (set:\n"
               "# only after '=').\n"
               "_userbox_value() {\n"
               "        _userbox_kind=none _userbox_words='' _userbox_optional=''\n"
               "        case \"$1 $2\" in\n");
        for (size_t i = 0; cli_option_info(i, &o); i++) {
                _cleanup_free_ char *words = NULL;
                enum value_kind kind;
                size_t size = 0;
                FILE *f;
                int r;

                if (o.has_arg == no_argument)
                        continue;
                f = open_memstream(&words, &size);
                if (!f)
                        return -ENOMEM;
                r = option_value(&o, f, &kind);
                if (fclose(f) != 0)
                        return -ENOMEM;
                if (r < 0) {
                        fprintf(stderr, "completion-gen: option --%s takes a value: say in helpers/completion-gen.c "
                                        "how to complete it\n", o.name);
                        return r;
                }
                printf("        ");
                print_pattern(&o);
                printf(") _userbox_kind='%s'", kind_names[kind]);
                if (words && *words)
                        printf(" _userbox_words='%s'", words);
                if (o.has_arg == optional_argument)
                        printf(" _userbox_optional=1");
                printf(" ;;\n");
        }
        printf("        esac\n}\n\n");
        return 0;
}

static void print_options(void) {
        struct cli_option_info o;
        enum cli_command command;
        const char *name;

        printf("# _userbox_options COMMAND: its options, into _userbox_words.\n"
               "_userbox_options() {\n"
               "        case $1 in\n");
        for (size_t c = 0; cli_command_info(c, &name, &command); c++) {
                printf("        %s) _userbox_words='", name);
                for (size_t i = 0, n = 0; cli_option_info(i, &o); i++) {
                        if (!(o.commands & (1u << command)))
                                continue;
                        if (o.short_name)
                                printf("%s-%c", n++ ? " " : "", o.short_name);
                        printf("%s--%s", n++ ? " " : "", o.name);
                }
                printf("' ;;\n");
        }
        printf("        *) _userbox_words='' ;;\n        esac\n}\n\n");
}

int main(void) {
        enum cli_command command;
        const char *name;
        int r;

        printf("# Bash completion for userbox(1). Its first part is generated by\n"
               "# completion-gen from the tables userbox parses its command line and its\n"
               "# profiles with, when userbox is built: do not edit it.\n\n");
        printf("_userbox_commands='");
        for (size_t c = 0; cli_command_info(c, &name, &command); c++)
                printf("%s%s", c ? " " : "", name);
        printf("'\n\n");
        print_options();
        r = print_values();
        if (r < 0)
                return 1;
        return fflush(stdout) == 0 ? 0 : 1;
}
