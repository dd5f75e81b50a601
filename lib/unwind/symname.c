// SPDX-License-Identifier: GPL-2.0
/*
 * What a frame is called, and where it is in its module's file, for
 * explore's report (lib/explore/trace.c).
 *
 * libdwfl names an address from the module's symbol table: .symtab,
 * else .dynsym, or the .symtab of its separate debug file when one is
 * found by build-id. Debian's executables are PIEs stripped of .symtab,
 * and their .dynsym holds the functions they import and a few data
 * objects they export, none of their own functions: their frames have
 * no name, and only the debug package (-dbgsym) gives one. Where a
 * table holds no symbol covering the address, libdwfl may still answer
 * with the nearest preceding symbol that has no size (an assembler
 * label, _init): a wrong name is worse than none, so a name is taken
 * only from a symbol whose extent holds the address.
 */
#include <gelf.h>

#include "unwind/unwind.h"

const char *ei_frame_func(Dwfl_Module *m, Dwarf_Addr pc)
{
	GElf_Off off;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(m, pc, &off, &sym, NULL, NULL, NULL);

	if (!name)
		return NULL;
	if (sym.st_size ? off < sym.st_size : off == 0)
		return name;
	return NULL;
}

Dwarf_Addr ei_frame_addr(Dwfl_Module *m, Dwarf_Addr pc)
{
	Dwarf_Addr start = 0, bias = 0;

	/* The load bias: 0 for an executable that is not position
	 * independent, whose addresses are those of its file. */
	if (dwfl_module_getelf(m, &bias))
		return pc - bias;
	dwfl_module_info(m, NULL, &start, NULL, NULL, NULL, NULL, NULL);
	return pc - start;
}
