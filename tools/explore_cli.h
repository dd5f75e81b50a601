/* SPDX-License-Identifier: GPL-2.0 */
/* errinj explore, the subcommand (tools/explore_cmd.c). */
#ifndef ERRINJ_EXPLORE_CLI_H
#define ERRINJ_EXPLORE_CLI_H

/* argv[0] is "explore". Returns the exit status. */
int ei_explore_main(int argc, char **argv);

#endif
