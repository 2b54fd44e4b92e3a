/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"
TEST(placeholder_idmap) { CHECK(1); }
int main(void) {
        static const struct unit_case cases[] = { UNIT(placeholder_idmap) };
        return unit_main(cases, sizeof(cases) / sizeof(cases[0]));
}
