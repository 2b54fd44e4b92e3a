/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Shared by profile.c (loading), profile-files.c (finding and opening the
 * files), profile-keys.c (the key table and value parsers), profile-set.c
 * (one setting), profile-lists.c (the keys that add to a list),
 * profile-values.c (paths, mounts, limits), profile-print.c and config.c.
 * Not a public interface: everything else goes through profile.h. */

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>
#include "profile.h"

struct profile_key;

typedef int (*profile_parser)(struct config *c, const struct profile_key *k, const char *key,
                              const char *value, const struct origin *o, char **reason);

/* One row of the key table. key == NULL matches any other key of the
 * section (the [Environment] NAME=VALUE row). */
struct profile_key {
        const char *section;
        const char *key;
        profile_parser parse;
        enum config_key id;
        bool repeatable;        /* every line adds to the value, whatever file it is in */
        int arg;                /* parser-specific: the rlimit resource, ... */
        size_t offset;          /* the field in struct config, for the generic parsers */
};

extern const struct profile_key profile_keys[];
extern const size_t profile_n_keys;
extern const char *const profile_sections[];
extern const size_t profile_n_sections;

bool profile_section_known(const char *section);
/* The row for section/key, or NULL. */
const struct profile_key *profile_key_find(const char *section, const char *key);
/* Reason text for an unknown section or key (with "did you mean"); the
 * key is quoted in it when name_key. */
char *profile_unknown_section_reason(const char *section);
char *profile_unknown_key_reason(const char *section, const char *key, bool name_key);

/* A value set in a file never overrides the same scalar set on the command
 * line: the command line is applied last anyway, this only guards the
 * order. */
bool profile_origin_is_command_line(const struct origin *o);

/* Per-entry origins of the list keys (struct config's origin_lists and
 * cap_*_origin). profile_origins_reserve() makes room for entry n of an
 * origin list beside a list of n entries; it grows before its list so
 * that a failure leaves the two in step, and a list filled outside
 * profile_set() gets zeroed origins (none). */
int profile_origins_reserve(struct origin_list *origins, size_t n);
/* Appends a copy of value to a string list, with its origin. */
int profile_list_append(char ***list, struct origin_list *origins, const char *value, const struct origin *o);
/* Removes entry i of a string list and its origin. */
void profile_list_remove(char **list, struct origin_list *origins, size_t i);
/* Releases what a device entry holds (config_done, a failed add). */
void profile_device_entry_done(struct device_entry *d);
/* Sets the bits of set in *mask; a bit already set keeps the origin that set
 * it first. */
void profile_caps_set(uint64_t *mask, struct origin origins[64], uint64_t set, const struct origin *o);
/* Clears the bits of set in *mask and forgets their origins. */
void profile_caps_clear(uint64_t *mask, struct origin origins[64], uint64_t set);

/* Sets *reason to a formatted sentence and returns r. */
int profile_reason(char **reason, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define OOM(reason) profile_reason(reason, -ENOMEM, "out of memory")

/* The parsers of the keys that add to a list (profile-lists.c), named in
 * the key table. */
int profile_add_id_range(struct config *c, const struct profile_key *k, const char *key, const char *value,
                         const struct origin *o, char **reason);
int profile_add_mount(struct config *c, const struct profile_key *k, const char *key, const char *value,
                      const struct origin *o, char **reason);
int profile_add_device(struct config *c, const struct profile_key *k, const char *key, const char *value,
                       const struct origin *o, char **reason);
/* [Environment] File=PATH: reads the file's variables now (env-file.c's
 * format), each as Keep= or NAME= with the file's line as its origin. */
int profile_add_env_file(struct config *c, const struct profile_key *k, const char *key, const char *value,
                         const struct origin *o, char **reason);
/* o's file kept once in c->origin_files, for origins that outlive it. */
int profile_origin_intern(struct config *c, const struct origin *o, struct origin *ret);
int profile_add_env_keep(struct config *c, const struct profile_key *k, const char *key, const char *value,
                         const struct origin *o, char **reason);
int profile_add_env_set(struct config *c, const struct profile_key *k, const char *key, const char *value,
                        const struct origin *o, char **reason);
int profile_add_caps(struct config *c, const struct profile_key *k, const char *key, const char *value,
                     const struct origin *o, char **reason);
int profile_add_syscalls(struct config *c, const struct profile_key *k, const char *key, const char *value,
                         const struct origin *o, char **reason);
int profile_add_publish(struct config *c, const struct profile_key *k, const char *key, const char *value,
                        const struct origin *o, char **reason);
/* [Namespaces] Network= (profile-network.c). */
int profile_parse_network(struct config *c, const struct profile_key *k, const char *key, const char *value,
                          const struct origin *o, char **reason);
int profile_add_rlimit(struct config *c, const struct profile_key *k, const char *key, const char *value,
                       const struct origin *o, char **reason);

/* ~, ${HOME}, ${USER}, ${UID}, ${XDG_RUNTIME_DIR}, ${PWD}. */
int profile_expand(const char *value, char **ret, char **reason);
/* A host path value: expanded, made absolute against the working directory
 * when it comes from the command line, refused when relative in a file,
 * simplified. */
int profile_host_path(const char *value, bool command_line, char **ret, char **reason);
/* A path inside the container: expanded, absolute, no "..". */
int profile_container_path(const char *value, char **ret, char **reason);

/* Value parsers living in profile-values.c. */
int profile_parse_rlimit_value(int resource, const char *value, uint64_t *soft, uint64_t *hard,
                               char **reason);
bool profile_rlimit_is_bytes(int resource);
int profile_device_class(const char *name, char ***ret_paths, char **reason);
/* Entry i of the device classes ("fuse", ...); NULL past the last. */
const char *profile_device_class_name(size_t i);

/* "auto" for (KEY_IDMAP_MODE, IDMAP_AUTO); NULL when unknown. */
const char *profile_enum_name(enum config_key id, int value);


/* A file, whatever path names it: two spellings of one file ("./x.ini",
 * "sa/x.ini", a path through a bind mount) are one file. */
struct file_id {
        dev_t dev;
        ino_t ino;
};

static inline bool profile_file_id_equal(const struct file_id *a, const struct file_id *b) {
        return a && b && a->dev == b->dev && a->ino == b->ino;
}

/* Profile files (profile-files.c). profile_open_file: reads path after the
 * checks ssh applies to its configuration (regular, not too large, written
 * by nobody but its owner or root); ret_id names the file. profile_resolve:
 * a name on the search path, or a path relative to the including file;
 * including its own name gets the next one. Both return -errno with
 * *reason set (a sentence for the user), never print. */
int profile_open_file(const char *path, char **ret_text, size_t *ret_size, struct file_id *ret_id, char **reason);
int profile_resolve(const char *name, const char *including_file, const struct file_id *including_id,
                    char **ret, char **reason);
