// SPDX-License-Identifier: GPL-2.0
/*
 * localed: takes the environment's locale (setlocale(LC_ALL, "")) and
 * prints its character set (nl_langinfo(CODESET)), for errinj explore's
 * tests (tests/host/explore_classes.sh). As cmp and most programs, it
 * does not check setlocale: when the locale cannot be loaded, glibc
 * leaves it in the C locale and it prints the C locale's "ANSI_X3.4-1968",
 * exactly what it prints under LC_ALL=C, exit 0 either way.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>

int main(void)
{
	setlocale(LC_ALL, "");
	printf("%s\n", nl_langinfo(CODESET));
	return 0;
}
