/* SPDX-License-Identifier: Apache-2.0 */
/* Text helpers none prints from: control characters escaped for messages,
 * reasons formatted, host names checked, the closest spelling of a word,
 * and command lines split as a shell would (with bash's $'...'). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool string_has_cc(const char *s) {
        for (; *s; s++)
                if ((iscntrl((unsigned char) *s) && *s != '\t') || (unsigned char) *s == 0x7f)
                        return true;
        return false;
}

void string_escape_cc_into(char *dst, size_t size, const char *s) {
        size_t o = 0;

        for (; *s && o + 5 < size; s++)
                if (iscntrl((unsigned char) *s) || (unsigned char) *s == 0x7f)
                        o += (size_t) snprintf(dst + o, size - o, "\\x%02x", (unsigned char) *s);
                else
                        dst[o++] = *s;
        dst[o] = '\0';
}

char *string_escape_cc(const char *s) {
        size_t size = 4 * strlen(s) + 6;
        char *ret = malloc(size);

        if (ret)
                string_escape_cc_into(ret, size, s);
        return ret;
}

char *string_format_escaped(const char *fmt, va_list ap) {
        _cleanup_free_ char *msg = NULL;

        if (vasprintf(&msg, fmt, ap) < 0)
                return NULL;
        return string_escape_cc(msg);
}

int reason_formatv(char **reason, int r, const char *fmt, va_list ap) {
        if (!reason)
                return r;
        free(*reason);
        if (vasprintf(reason, fmt, ap) < 0)
                *reason = NULL;
        return r;
}

int reason_format(char **reason, int r, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        r = reason_formatv(reason, r, fmt, ap);
        va_end(ap);
        return r;
}

bool hostname_is_valid(const char *s) {
        size_t n = strlen(s);
        bool ok = n > 0 && n <= 64 && s[0] != '-' && s[0] != '.' && s[n - 1] != '-';

        for (const char *p = s; ok && *p; p++)
                ok = isalnum((unsigned char) *p) || *p == '-' || *p == '.';
        return ok;
}

unsigned string_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        /* Three rows of the matrix: a transposition looks two back. */
        unsigned rows[3][64], *before = rows[0], *prev = rows[1], *row = rows[2];

        if (lb >= ELEMENTSOF(rows[0]))
                return UINT_MAX;
        for (size_t j = 0; j <= lb; j++)
                prev[j] = (unsigned) j;
        for (size_t i = 1; i <= la; i++) {
                unsigned *t;
                row[0] = (unsigned) i;
                for (size_t j = 1; j <= lb; j++) {
                        int ca = tolower((unsigned char) a[i - 1]), cb = tolower((unsigned char) b[j - 1]);
                        unsigned best = prev[j - 1] + (ca == cb ? 0 : 1);
                        if (prev[j] + 1 < best)
                                best = prev[j] + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        /* "rnu" for "run": one typo, not two. */
                        if (i > 1 && j > 1 && ca == tolower((unsigned char) b[j - 2]) &&
                            tolower((unsigned char) a[i - 2]) == cb && before[j - 2] + 1 < best)
                                best = before[j - 2] + 1;
                        row[j] = best;
                }
                t = before, before = prev, prev = row, row = t;
        }
        return prev[lb];
}

const char *string_closest(const char *word, const char *const *candidates, size_t n) {
        const char *best = NULL;
        size_t length = strlen(word), limit = 1 + length / 4;
        unsigned best_distance = UINT_MAX;

        for (size_t i = 0; i < n; i++) {
                size_t other;
                unsigned d;
                if (!candidates[i])
                        continue;
                /* The distance is at least the difference in length: a
                 * word of 100,000 characters costs nothing against names. */
                other = strlen(candidates[i]);
                if ((other > length ? other - length : length - other) > limit)
                        continue;
                d = string_distance(word, candidates[i]);
                if (d < best_distance) {
                        best_distance = d;
                        best = candidates[i];
                }
        }
        return best && best_distance <= limit ? best : NULL;
}

/* The escapes of $'...', as bash reads them; the rest of bash's (\xHH,
 * octal) are not needed: profile_quote_command writes only these. */
static const struct { char escape, ch; } ansi_c_escapes[] = {
        { 'n', '\n' }, { 't', '\t' }, { 'r', '\r' }, { 'a', '\a' }, { 'b', '\b' }, { 'e', '\033' },
        { 'f', '\f' }, { 'v', '\v' }, { '\\', '\\' }, { '\'', '\'' }, { '"', '"' },
};

char ansi_c_unescape(char escape) {
        for (size_t i = 0; i < ELEMENTSOF(ansi_c_escapes); i++)
                if (ansi_c_escapes[i].escape == escape)
                        return ansi_c_escapes[i].ch;
        return 0;
}

char ansi_c_escape(char ch) {
        for (size_t i = 0; i < ELEMENTSOF(ansi_c_escapes); i++)
                if (ansi_c_escapes[i].ch == ch)
                        return ansi_c_escapes[i].escape;
        return 0;
}

int split_command_line(const char *s, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *word = malloc(strlen(s) + 1);
        size_t n = 0;
        bool in_word = false;
        char quote = 0;
        int r;

        if (!word)
                return -ENOMEM;
        for (const char *p = s;; p++) {
                char ch = *p;
                if (ch == '\0') {
                        if (quote)
                                return -EINVAL;
                        break;
                }
                if (quote == '$') {
                        /* $'...': a backslash starts an escape. */
                        if (ch == '\'')
                                quote = 0;
                        else if (ch == '\\') {
                                char unescaped = ansi_c_unescape(p[1]);
                                if (!unescaped)
                                        return -EINVAL;
                                word[n++] = unescaped;
                                p++;
                        } else
                                word[n++] = ch;
                        continue;
                }
                if (quote) {
                        if (ch == quote)
                                quote = 0;
                        else if (ch == '\\' && quote == '"' && (p[1] == '"' || p[1] == '\\'))
                                word[n++] = *++p;
                        else
                                word[n++] = ch;
                        continue;
                }
                if (ch == ' ' || ch == '\t') {
                        if (in_word) {
                                word[n] = '\0';
                                r = strv_extend(&argv, word);
                                if (r < 0)
                                        return r;
                                n = 0;
                                in_word = false;
                        }
                        continue;
                }
                in_word = true;
                if (ch == '$' && p[1] == '\'') {
                        quote = '$';
                        p++;
                } else if (ch == '\'' || ch == '"')
                        quote = ch;
                else if (ch == '\\') {
                        if (p[1] == '\0')
                                return -EINVAL;
                        word[n++] = *++p;
                } else
                        word[n++] = ch;
        }
        if (in_word) {
                word[n] = '\0';
                r = strv_extend(&argv, word);
                if (r < 0)
                        return r;
        }
        if (!argv) {
                argv = calloc(1, sizeof(char *));
                if (!argv)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(argv);
        return 0;
}
