# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
# The manual pages render cleanly and man/userbox.1 documents exactly the
# options the binary knows.

# shellcheck source-path=SCRIPTDIR source=../prefix-install.sh
source "$(dirname "${BASH_SOURCE[0]}")/../prefix-install.sh"

# The pages as make writes them from man/*.in, and as they are installed.
man_page() { echo "${BUILDDIR:?}/man/$1"; }

assert_renders_cleanly() { # PAGE
        local page
        page=$(man_page "$1")
        [ -s "$page" ] || fail "$page is missing or empty"
        require_cmd groff
        run groff -man -ww -z "$page"
        assert_eq 0 "$STATUS" "groff status"
        assert_eq "" "$OUT$ERR" "groff -man -ww -z $1 (warnings)"
}

test_man_userbox_1_renders_without_warnings() {
        assert_renders_cleanly userbox.1
}

test_man_userbox_ini_5_renders_without_warnings() {
        assert_renders_cleanly userbox.ini.5
}

test_man_userbox_1_renders_with_man_without_warnings() {
        require_cmd man
        local page
        page=$(man_page userbox.1)
        run env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings=w -l "$page"
        assert_eq 0 "$STATUS" "man -l status ($ERR)"
        assert_eq "" "$ERR" "man -l warnings"
}

# Long options named in --help output: "--name" tokens, "=VALUE" and "[=..]"
# dropped, each once.
help_options() {
        grep -oE '(^|[^[:alnum:]-])--[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# Long options the man page defines: in the tag lines of .TP/.IP items and
# in .B/.BR/.BI/.OP request lines, where groff spells them "\-\-name" (a
# bare "--name" is accepted too). Font escapes are removed first.
man_options() {
        awk '
                tag { print; tag = 0; next }
                /^\.(TP|TQ)/ { tag = 1; next }
                /^\.(B|BR|BI|IB|RB|IR|IP|OP)([[:space:]]|$)/ { print }
        ' "$1" |
                sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\f\[[^]]*\]//g' -e 's/\\-/-/g' -e 's/\\&//g' |
                grep -oE '(^|[^[:alnum:]-])--[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | sort -u
}

# The subcommands userbox --help lists.
help_commands() {
        "$USERBOX" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}

# Every subcommand that answers --help.
all_help() {
        local sub
        "$USERBOX" --help
        for sub in $(help_commands); do
                "$USERBOX" "$sub" --help 2>/dev/null
        done
}

test_man_userbox_1_documents_every_option_of_help() {
        local page help man missing
        page=$(man_page userbox.1)
        [ -s "$page" ] || fail "$page is missing or empty"
        help=$(all_help | help_options)
        [ -n "$help" ] || fail "no option found in the --help output"
        man=$(man_options "$page")
        missing=$(comm -23 <(printf '%s\n' "$help") <(printf '%s\n' "$man"))
        assert_eq "" "$missing" "options in --help but not in man/userbox.1"
}

test_man_userbox_1_documents_no_option_that_help_lacks() {
        local page help man extra
        page=$(man_page userbox.1)
        [ -s "$page" ] || fail "$page is missing or empty"
        help=$(all_help | help_options)
        man=$(man_options "$page")
        [ -n "$man" ] || fail "no option found in man/userbox.1 (expected \\-\\-name in .B/.BR/.TP lines)"
        extra=$(comm -13 <(printf '%s\n' "$help") <(printf '%s\n' "$man"))
        assert_eq "" "$extra" "options in man/userbox.1 but not in any --help"
}

test_man_userbox_1_lists_the_exit_statuses() {
        local page
        page=$(man_page userbox.1)
        [ -s "$page" ] || fail "$page is missing or empty"
        local code
        for code in 125 126 127 128; do
                grep -q "$code" "$page" || fail "exit status $code is not in man/userbox.1"
        done
}

# man_item PAGE TAG: the .TP item of man/PAGE whose tag line holds TAG (as
# "--cap-add" or "CapabilityAdd="), on one line, without requests and font
# escapes.
man_item() {
        sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' "$(man_page "$1")" | awk -v tag="$2" '
                /^\.(TP|SH|SS)/ { if (on) exit; tagline = ($1 == ".TP"); next }
                tagline { tagline = 0; if (index($0, tag)) on = 1 }
                on { sub(/^\.[A-Z]+ */, ""); gsub(/"/, ""); printf "%s ", $0 }
        '
}

test_man_pages_say_capability_names_take_blanks_or_commas() {
        local page tag page_tag
        for page_tag in "userbox.1 --cap-add" "userbox.ini.5 CapabilityDrop=" "userbox.ini.5 CapabilityAdd="; do
                read -r page tag <<<"$page_tag"
                assert_contains "$(man_item "$page" "$tag")" "separated by blanks or commas" "$page, $tag"
        done
}

test_man_userbox_1_says_the_later_capability_setting_wins() {
        local item
        item=$(man_item userbox.1 --cap-add)
        assert_contains "$item" "for each capability the later one wins" "userbox.1, --cap-add"
        assert_not_contains "$item" "Drops apply first" "userbox.1, --cap-add"
}

# The options a tmpfs takes: each is accepted by the binary and listed by
# both pages; the bind-only ones are refused.
TMPFS_OPTIONS="size= mode= nr_inodes= ro rw nosuid nodev noexec"

test_man_pages_list_the_tmpfs_options_the_binary_takes() {
        local option value page tag page_tag item
        for option in $TMPFS_OPTIONS rbind norbind; do
                case $option in
                *=) value=${option}64 ;;
                *) value=$option ;;
                esac
                run "$USERBOX" config --no-default-profile --tmpfs "/t:$value" "$TEST_ROOT"
                case " $TMPFS_OPTIONS " in
                *" $option "*) assert_eq 0 "$STATUS" "--tmpfs /t:$value ($ERR)" ;;
                *) assert_eq "$EXIT_USERBOX_FAILED" "$STATUS" "--tmpfs /t:$value"
                   assert_eq "userbox: --tmpfs '/t:$value': option '$option' is for binds, not for a tmpfs" "$ERR" ;;
                esac
        done
        for page_tag in "userbox.1 --tmpfs" "userbox.ini.5 Tmpfs="; do
                read -r page tag <<<"$page_tag"
                item=$(man_item "$page" "$tag")
                for option in $TMPFS_OPTIONS; do
                        grep -Eq "(^|[^a-z_])$option([^a-z_]|$)" <<<"$item" ||
                                fail "$page, $tag: '$option' is not listed in: $item"
                done
        done
}

test_man_pages_give_the_host_sandbox_working_directory() {
        local page tag page_tag
        for page_tag in "userbox.1 --workdir" "userbox.ini.5 WorkingDirectory="; do
                read -r page tag <<<"$page_tag"
                assert_contains "$(man_item "$page" "$tag")" "the host sandbox (no" "$page, $tag"
                assert_contains "$(man_item "$page" "$tag")" "starts in the current directory" "$page, $tag"
        done
}

# Every command `userbox --help` lists is in the SYNOPSIS and the COMMANDS
# of userbox.1.
test_man_userbox_1_has_every_command_of_help() {
        local command commands section
        commands=$(help_commands)
        [ -n "$commands" ] || fail "no command in userbox --help"
        for command in $commands; do
                for section in SYNOPSIS COMMANDS; do
                        awk -v s="$section" '$1 == ".SH" { on = ($2 == s); next } on' "$(man_page userbox.1)" |
                                grep -Eq "^\.BR? (userbox )?$command( |\$)" ||
                                fail "'$command' is not in the $section of userbox.1"
                done
        done
}

# man_section PAGE NAME: the text of section NAME of man/PAGE, on one line,
# without requests and font escapes.
man_section() {
        sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' "$(man_page "$1")" | awk -v name="$2" '
                /^\.SH/ { on = (substr($0, 5) == name || substr($0, 5) == "\"" name "\""); next }
                on && /^\./ { sub(/^\.[A-Z]+ */, ""); gsub(/"/, "") }
                on { printf "%s ", $0 }
        '
}

# What -t does on its own, and what the host sandbox lets a command write
# and where its HOME is (issue 15).
test_man_pages_say_when_tty_is_implied_and_what_the_host_sandbox_writes() {
        assert_contains "$(man_item userbox.1 --tty)" "when no command is given on the command line (so that the profile's Command= or /bin/sh runs) and standard input and output are both terminals" \
                "userbox.1, --tty"
        assert_contains "$(man_item userbox.ini.5 Tty=)" "when no command is given on the command line" "userbox.ini.5, Tty="
        local sandbox
        sandbox=$(man_section userbox.1 "HOST SANDBOX")
        assert_contains "$sandbox" "Writable are only: the current directory" "userbox.1, HOST SANDBOX"
        assert_contains "$sandbox" "HOME is the user's own home directory" "userbox.1, HOST SANDBOX"
        assert_contains "$(man_section userbox.1 "DOCKER AND PODMAN")" "-v is --verbose." "userbox.1, DOCKER AND PODMAN"
}

# The value of NAME in src/paths.h, which make writes from the directories
# the build was configured (or made) with.
configured_path() {
        sed -n "s/^#define $1 \"\(.*\)\"\$/\1/p" "${BUILDDIR:?}/src/paths.h"
}

# The pages name the directories this build uses, not a fixed /usr/local:
# every @...@ of man/*.in is replaced by make.
test_man_pages_show_the_configured_directories() {
        local page text sysconf profiles subid
        sysconf=$(configured_path USERBOX_SYSCONFPROFILEDIR)
        profiles=$(configured_path USERBOX_PROFILEDIR)
        subid=$(configured_path USERBOX_LIBEXECDIR)/userbox-subid
        [ -n "$sysconf" ] && [ -n "$profiles" ] && [ -n "$subid" ] ||
                fail "no directories in $BUILDDIR/src/paths.h"
        for page in userbox.1 userbox.ini.5; do
                text=$(sed 's/\\-/-/g' "$(man_page "$page")")
                assert_eq "" "$(grep -o '@[a-z_]*@' <<<"$text")" "$page: placeholders left"
                assert_contains "$text" "$sysconf/" "$page: \$(sysconfdir)/userbox"
                assert_contains "$text" "$profiles/" "$page: the shipped profiles"
        done
        text=$(sed 's/\\-/-/g' "$(man_page userbox.1)")
        assert_contains "$text" "$subid" "userbox.1: userbox-subid"
}

# Installed into a prefix, the pages name it: not /usr/local.
test_installed_man_pages_name_the_prefix_installed_into() {
        local prefix userbox_1 userbox_ini_5
        prefix=$(prefix_install)
        userbox_1=$(sed 's/\\-/-/g' "$prefix/share/man/man1/userbox.1") || fail "no installed userbox.1"
        userbox_ini_5=$(sed 's/\\-/-/g' "$prefix/share/man/man5/userbox.ini.5") || fail "no installed userbox.ini.5"
        assert_contains "$userbox_1" "$prefix/etc/userbox/*.ini" "userbox.1"
        assert_contains "$userbox_1" "$prefix/share/userbox/profiles/*.ini" "userbox.1"
        assert_contains "$userbox_1" "$prefix/libexec/userbox/userbox-subid" "userbox.1"
        assert_contains "$userbox_ini_5" "$prefix/etc/userbox/NAME.ini" "userbox.ini.5"
        assert_contains "$userbox_ini_5" "$prefix/share/userbox/profiles/NAME.ini" "userbox.ini.5"
        assert_not_contains "$userbox_1$userbox_ini_5" "/usr/local" "the pages"
}

# One name for the Debian root everywhere a user reads one, and the README
# tells the whole way to it.
test_readme_pages_and_debian_ini_name_one_debian_root() {
        local file root comments command
        root=$(sed -n 's/^Root=//p' "$SRCDIR/conf/debian.ini")
        assert_eq "~/containers/debian" "$root" "Root= of debian.ini"
        for file in README.md man/userbox.1.in man/userbox.ini.5.in conf/*.ini; do
                assert_eq "" "$(grep -n '~/containers/bookworm' "$SRCDIR/$file")" "$file names another root"
        done
        assert_eq "mkdir -p ~/containers
container=lxc userbox unshare -- /usr/sbin/debootstrap --foreign --variant=minbase bookworm $root
userbox run -p debian -e container=lxc -- /debootstrap/debootstrap --second-stage
userbox run -t -p debian" "$(readme_block "A Debian root")" "README, A Debian root"
        # debian.ini says how it is made, with the same commands.
        comments=$(sed -n 's/^;  *//p' "$SRCDIR/conf/debian.ini" | tr '\n' ' ' | sed 's/\\ *//g')
        while read -r command; do
                assert_contains "$comments" "$command" "debian.ini"
        done < <(readme_block "A Debian root" | sed -n 2,3p)
}

# .ci/run runs the second command of the quick start; there are two.
test_readme_quick_start_has_two_commands() {
        local block
        block=$(readme_block "Quick start")
        assert_eq 2 "$(wc -l <<<"$block")" "commands in the quick start: $block"
        assert_eq "./tests/run --build" "$(sed -n 2p <<<"$block")"
}
