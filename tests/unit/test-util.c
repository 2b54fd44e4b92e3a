/* SPDX-License-Identifier: Apache-2.0 */
#include "unit.h"
TEST(placeholder_util) { CHECK(1); }
int main(void) {
        static const struct unit_case cases[] = { UNIT(placeholder_util) };
        return unit_main(cases, sizeof(cases) / sizeof(cases[0]));
}
