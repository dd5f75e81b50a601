# errinj: `make` builds the tools, samples, test programs and benchmark into
# build/; `make check` also builds the sanitized tools and the fuzzer and runs
# the tests. Warnings are errors, on both the kernel side and the user side.
# `make V=1` shows the full commands.

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PREFIX   ?= /usr/local

# Yours to set (make CFLAGS=-O0 ...); the flags the code needs are in
# EI_CFLAGS and EI_CPPFLAGS and come first, so they are kept.
CFLAGS   ?= -O2 -g
EI_CFLAGS   := -std=gnu11 -Wall -Wextra -Werror
EI_CPPFLAGS := -D_GNU_SOURCE -I$(BUILD) -Ilib -Ibpf
# What each subsystem's archive needs of the system: libbpf for the
# engine, elfutils' libdw for the unwinder (lib/unwind: explore and
# site=). A program links only the archives it uses, and their libraries.
BPF_LDLIBS  := -lbpf -lelf -lz
DW_LDLIBS   := -ldw -lelf
# Header dependencies, written by the compiler next to each object.
DEPFLAGS    = -MMD -MP -MF $@.d
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror -I$(BUILD) -Ibpf -Ilib

ifeq ($(V),1)
Q :=
msg =
else
Q := @
# Quiet: one "CC file" line per step, nothing at all under make -s.
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
msg =
else
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif
endif

# CO-RE needs the BTF of some kernel to generate vmlinux.h: the running
# kernel's when it has one, else the main test kernel's (built and cached
# by scripts/build-kernel; main whatever ERRINJ_KERNEL says).
VMLINUX_BTF ?= $(if $(wildcard /sys/kernel/btf/vmlinux),/sys/kernel/btf/vmlinux,$(shell scripts/build-kernel --variant main)/vmlinux)

# The library: one archive per subsystem (lib/NAME/, header lib/NAME/NAME.h),
# each using only those after it: explore -> engine -> seccomp -> unwind -> core.
SUBSYS    := explore engine seccomp unwind core
lib_objs   = $(patsubst %.c,$(1)/obj/%.o,$(wildcard lib/$(2)/*.c))
# $(call libs,DIR,NAME...): the archives of those subsystems, in link order.
libs       = $(foreach n,$(SUBSYS),$(if $(filter $(n),$(2)),$(1)/lib/libei-$(n).a))
ALL_LIBS  := $(call libs,$(BUILD),$(SUBSYS))
GEN       := $(BUILD)/errno_table.h $(BUILD)/syscall_table.h $(BUILD)/signal_table.h
SKELS     := $(BUILD)/errinj.skel.h $(BUILD)/errinj_kf.skel.h $(BUILD)/err_injector.skel.h $(BUILD)/bench/floor.skel.h $(BUILD)/bench/ladder.skel.h \
             $(patsubst samples/%.bpf.c,$(BUILD)/samples/%.skel.h,$(wildcard samples/*.bpf.c))

TOOLS     := $(BUILD)/loader $(BUILD)/userapp $(BUILD)/errinj
SAMPLES   := $(BUILD)/samples/hello $(BUILD)/samples/hello_trigger \
             $(BUILD)/samples/map_test $(BUILD)/samples/tracex5
TEST_PROGS := $(patsubst tests/progs/%.c,$(BUILD)/tests/%,$(wildcard tests/progs/*.c))
# A test program as Debian ships one: no .symtab, no debug information.
TEST_PROGS += $(BUILD)/tests/family-stripped
# The programs of the port of strace's injection tests (tests/strace/).
STRACE_PROGS := $(patsubst tests/strace/%.c,$(BUILD)/tests/strace/%,$(wildcard tests/strace/*.c))
BENCH     := $(BUILD)/bench/syscall_cost $(BUILD)/bench/syscall_cost_dyn $(BUILD)/bench/floor $(BUILD)/bench/ladder \
             $(BUILD)/bench/pingpong $(BUILD)/bench/explore_steps
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))

# For make check: the unit tests and the tools again under AddressSanitizer
# and UndefinedBehaviorSanitizer, with the library built the same way, and
# the spec parser's fuzzer.
ASAN_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(wildcard tests/unit/test_*.c))
ASAN_TOOLS := $(BUILD)/asan/bin/errinj $(BUILD)/asan/bin/loader $(BUILD)/asan/bin/userapp
SANITIZE   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZER     := $(BUILD)/fuzz_spec

all: $(TOOLS) $(SAMPLES) $(TEST_PROGS) $(STRACE_PROGS) $(BENCH) $(UNIT_TESTS)

# Everything tests/run needs.
tests: all $(ASAN_TESTS) $(ASAN_TOOLS) $(FUZZER)

# What --version prints (errinj, the loader; explore's SARIF names it too):
# scripts/version says how it is found. $(BUILD)/version changes only when
# it does, so that a new version recompiles those objects and nothing else.
ifeq ($(origin EI_VERSION),undefined)
EI_VERSION := $(shell scripts/version)
endif
VERSIONED := $(BUILD)/obj/tools/errinj.o $(BUILD)/obj/tools/loader.o \
             $(BUILD)/asan/obj/tools/errinj.o $(BUILD)/asan/obj/tools/loader.o \
             $(BUILD)/obj/tools/explore_cmd.o $(BUILD)/asan/obj/tools/explore_cmd.o
$(VERSIONED): EI_CPPFLAGS += -DEI_VERSION='"$(EI_VERSION)"'
$(VERSIONED): $(BUILD)/version
$(BUILD)/version: FORCE
	$(Q)mkdir -p $(@D) && echo '$(EI_VERSION)' | cmp -s - $@ || echo '$(EI_VERSION)' > $@
FORCE:

# ---- generated tables and headers ----
$(BUILD)/errno_table.h: lib/core/gen-tables.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && lib/core/gen-tables.sh errno $(CC) > $@.tmp && mv $@.tmp $@
# The syscall table comes from the kernel's own sources (numbers, entry
# points, prototypes), extracted once from Debian's linux-source-6.12, and
# strace's classes of each syscall (lib/core/syscall-classes).
KSRC_VERSION ?= 6.12
KSRC_TARBALL ?= /usr/src/linux-source-$(KSRC_VERSION).tar.xz
KSRC_FILES := include/linux/syscalls.h arch/x86/entry/syscalls/syscall_64.tbl
$(BUILD)/ksrc/.stamp-$(KSRC_VERSION):
	@test -r $(KSRC_TARBALL) || { echo "$(KSRC_TARBALL) is missing: install linux-source-$(KSRC_VERSION) (scripts/setup)" >&2; exit 1; }
	$(call msg,EXTRACT,$(KSRC_TARBALL))
	$(Q)mkdir -p $(BUILD)/ksrc
	$(Q)tar -xJf $(KSRC_TARBALL) -C $(BUILD)/ksrc --strip-components=1 $(addprefix linux-source-$(KSRC_VERSION)/,$(KSRC_FILES))
	$(Q)touch $@
$(BUILD)/syscall_table.h: lib/core/gen-syscalls.awk lib/core/syscall-classes $(BUILD)/ksrc/.stamp-$(KSRC_VERSION)
	$(call msg,GEN,$@)
	$(Q)awk -f lib/core/gen-syscalls.awk lib/core/syscall-classes $(addprefix $(BUILD)/ksrc/,$(KSRC_FILES)) > $@.tmp && mv $@.tmp $@
$(BUILD)/signal_table.h: lib/core/gen-tables.sh
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && lib/core/gen-tables.sh signal $(CC) > $@.tmp && mv $@.tmp $@
# strace's error= also takes the kernel's own errno names (ERESTARTSYS,
# ENOTSUPP, ...): the errno table gets them from the kernel source's
# include/linux/errno.h.
$(BUILD)/errno_table.h: $(BUILD)/kernel-errno.h
$(BUILD)/errno_table.h: export EI_KERNEL_ERRNO_H = $(BUILD)/kernel-errno.h
$(BUILD)/kernel-errno.h:
	@test -r $(KSRC_TARBALL) || { echo "$(KSRC_TARBALL) is missing (scripts/setup installs it)" >&2; exit 1; }
	$(call msg,EXTRACT,$@)
	$(Q)mkdir -p $(@D) && tar -xJOf $(KSRC_TARBALL) --wildcards '*/include/linux/errno.h' > $@.tmp && mv $@.tmp $@
$(BUILD)/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D) && $(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# ---- kernel side: bpf/*.bpf.c and samples/*.bpf.c -> object -> skeleton ----
$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(BUILD)/samples/%.bpf.o: samples/%.bpf.c | $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D) && $(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
# The same program with the kfuncs of newer kernels (bpf_throw,
# bpf_copy_from_user_str), for the fmod_ret backend where the kernel has them.
$(BUILD)/errinj_kf.bpf.o: bpf/errinj.bpf.c | $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DEI_KFUNCS $(DEPFLAGS) -c $< -o $@
$(BUILD)/bench/%.bpf.o: bench/%.bpf.c | $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D) && $(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# ---- user side: every .c to an object of its own (the sanitized build
# apart), then linked. The generated headers must exist before the first
# compilation; after it the .d files say who includes what.
$(BUILD)/obj/%.o: %.c | $(GEN) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(EI_CPPFLAGS) $(CPPFLAGS) $(EI_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@
$(BUILD)/asan/obj/%.o: %.c | $(GEN) $(SKELS)
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(EI_CPPFLAGS) $(CPPFLAGS) $(EI_CFLAGS) $(CFLAGS) $(SANITIZE) $(DEPFLAGS) -c $< -o $@
$(BUILD)/obj/samples/%.o: EI_CPPFLAGS += -I$(BUILD)/samples
$(BUILD)/obj/bench/%.o: EI_CPPFLAGS += -I$(BUILD)/bench
$(BUILD)/obj/tests/unit/%.o $(BUILD)/asan/obj/tests/unit/%.o: EI_CPPFLAGS += -Itests/unit

# $(link) OBJECTS... -o $@
define link
$(call msg,LD,$@)
$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) $(LDFLAGS)
endef

# ---- the library's archives ----
define subsys_rules
$(BUILD)/lib/libei-$(1).a: $(call lib_objs,$(BUILD),$(1))
	$$(call msg,AR,$$@)
	$$(Q)mkdir -p $$(@D) && rm -f $$@ && $$(AR) rcs $$@ $$^
$(BUILD)/asan/lib/libei-$(1).a: $(call lib_objs,$(BUILD)/asan,$(1))
	$$(call msg,AR,$$@)
	$$(Q)mkdir -p $$(@D) && rm -f $$@ && $$(AR) rcs $$@ $$^
endef
$(foreach n,$(SUBSYS),$(eval $(call subsys_rules,$(n))))

# What each program links: its subsystems (the archives they need below
# them included) and their system libraries. The loader and the samples
# need no unwinder, so no libdw.
ENGINE_USE  := engine seccomp unwind core
ENGINE_LIBS := $(BPF_LDLIBS) $(DW_LDLIBS)

# ---- tools ----
ERRINJ_OBJS := tools/errinj.o tools/explore_cmd.o tools/features.o
$(BUILD)/errinj: $(addprefix $(BUILD)/obj/,$(ERRINJ_OBJS)) $(call libs,$(BUILD),explore $(ENGINE_USE))
	$(link) $^ $(ENGINE_LIBS) $(LDLIBS) -o $@
$(BUILD)/asan/bin/errinj: $(addprefix $(BUILD)/asan/obj/,$(ERRINJ_OBJS)) $(call libs,$(BUILD)/asan,explore $(ENGINE_USE))
	$(link) $(SANITIZE) $^ $(ENGINE_LIBS) $(LDLIBS) -o $@
# The loader attaches one kprobe: the engine's probes and the core.
$(BUILD)/loader: $(BUILD)/obj/tools/loader.o $(call libs,$(BUILD),engine core)
	$(link) $^ $(BPF_LDLIBS) $(LDLIBS) -o $@
$(BUILD)/asan/bin/loader: $(BUILD)/asan/obj/tools/loader.o $(call libs,$(BUILD)/asan,engine core)
	$(link) $(SANITIZE) $^ $(BPF_LDLIBS) $(LDLIBS) -o $@
# Static: a dynamic loader's own openat/read/close must not be failed.
$(BUILD)/userapp: $(BUILD)/obj/tools/userapp.o
	$(link) -static $^ $(LDLIBS) -o $@

# ---- samples ----
$(BUILD)/samples/%: $(BUILD)/obj/samples/%.o $(call libs,$(BUILD),engine core)
	$(link) $^ $(BPF_LDLIBS) $(LDLIBS) -o $@
$(BUILD)/samples/hello_trigger: $(BUILD)/obj/samples/hello_trigger.o
	$(link) $^ $(LDLIBS) -o $@

# ---- tests ----
$(BUILD)/tests/%: $(BUILD)/obj/tests/progs/%.o
	$(link) -pthread $^ $(LDLIBS) -o $@
# family exports a label without a size, which its stripped copy keeps.
$(BUILD)/tests/family: LDLIBS += -Wl,--export-dynamic-symbol=family_label
$(BUILD)/tests/%-stripped: $(BUILD)/tests/%
	$(call msg,STRIP,$@)
	$(Q)strip --strip-all -o $@ $<
$(BUILD)/tests/strace/%: $(BUILD)/obj/tests/strace/%.o
	$(link) $^ $(LDLIBS) -o $@
# answer makes no system call but its two exits: no libc, no start-up.
$(BUILD)/obj/tests/strace/answer.o: EI_CFLAGS += -ffreestanding -fno-stack-protector -fno-pie
$(BUILD)/tests/strace/answer: $(BUILD)/obj/tests/strace/answer.o
	$(link) -nostdlib -static -no-pie $^ -o $@
# A unit test links the subsystems it tests (UNIT_USE_test_NAME, core
# alone by default) and only their system libraries.
UNIT_USE_test_seccomp := $(ENGINE_USE)
UNIT_USE_test_plan := engine core
UNIT_USE_test_errnos := explore core
UNIT_USE_test_unwind := unwind core
unit_use  = $(or $(UNIT_USE_$(1)),core)
unit_libs = $(if $(filter engine,$(call unit_use,$(1))),$(ENGINE_LIBS),$(if $(filter unwind,$(call unit_use,$(1))),$(DW_LDLIBS)))
.SECONDEXPANSION:
$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $$(call libs,$(BUILD),$$(call unit_use,$$*))
	$(link) $^ $(call unit_libs,$*) $(LDLIBS) -o $@
$(BUILD)/asan/%: $(BUILD)/asan/obj/tests/unit/%.o $$(call libs,$(BUILD)/asan,$$(call unit_use,$$*))
	$(link) $(SANITIZE) $^ $(call unit_libs,$*) $(LDLIBS) -o $@
# Dynamic here: the sanitizers' runtimes do not link statically.
$(BUILD)/asan/bin/userapp: $(BUILD)/asan/obj/tools/userapp.o
	$(link) $(SANITIZE) $^ $(LDLIBS) -o $@

# libFuzzer on the spec parser: `make fuzz [FUZZ_TIME=600]`. make check
# runs it for FUZZ_CHECK_TIME seconds (tests/run).
FUZZ_TIME ?= 600
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/fuzz/obj/%.o: %.c | $(GEN)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D) && $(CLANG) $(EI_CPPFLAGS) $(CPPFLAGS) -O1 -g $(EI_CFLAGS) $(FUZZ_SANITIZE) \
		-fsanitize=fuzzer-no-link $(DEPFLAGS) -c $< -o $@
$(FUZZER): $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,tests/fuzz/fuzz_spec.c lib/core/spec.c lib/core/tables.c lib/core/util.c)
	$(call msg,LD,$@)
	$(Q)$(CLANG) $(LDFLAGS) $(FUZZ_SANITIZE) -fsanitize=fuzzer $^ -o $@
fuzz: $(FUZZER)
	mkdir -p $(BUILD)/fuzz-corpus
	$(FUZZER) -max_total_time=$(FUZZ_TIME) -max_len=512 -timeout=10 \
		$(BUILD)/fuzz-corpus tests/fuzz/corpus

# ---- benchmarks: `make bench` (one boot of the test VM) ----
# Static, so that a rule failing every openat leaves its start-up alone;
# a dynamic copy for the LD_PRELOAD injector (libfiu's fiu-run).
$(BUILD)/bench/syscall_cost: $(BUILD)/obj/bench/syscall_cost.o
	$(link) -static $^ $(LDLIBS) -o $@
$(BUILD)/bench/syscall_cost_dyn: $(BUILD)/obj/bench/syscall_cost.o
	$(link) $^ $(LDLIBS) -o $@
# The mechanisms' floors (bench/floor.bpf.c).
$(BUILD)/bench/floor: $(BUILD)/obj/bench/floor.o
	$(link) $^ $(BPF_LDLIBS) $(LDLIBS) -o $@
# A user-notification round trip's floor on this machine (bench/seccomp-cost).
$(BUILD)/bench/pingpong: $(BUILD)/obj/bench/pingpong.o
	$(link) -pthread $^ $(LDLIBS) -o $@
# An explore run's cost step by step (bench/explore-cost): the session's
# library, as errinj links it.
$(BUILD)/bench/explore_steps: $(BUILD)/obj/bench/explore_steps.o $(call libs,$(BUILD),$(ENGINE_USE))
	$(link) $^ $(ENGINE_LIBS) $(LDLIBS) -o $@
# The steps from the floor to errinj's program (bench/ladder.bpf.c).
$(BUILD)/bench/ladder: $(BUILD)/obj/bench/ladder.o $(call libs,$(BUILD),core)
	$(link) $^ $(BPF_LDLIBS) $(LDLIBS) -o $@
# The guest's / is read-only: it writes the results to /run/vmrun/out,
# which vm-run copies to $(BUILD)/bench. Then strace's cost per injected
# call against a native one on the host's own kernel, and the seccomp
# backend's per trapped call (host.md). Last, the figures into README.md
# (Cost) and doc/bench.md (bench/to-doc), to be committed.
bench: all
	VM_OUT=$(BUILD)/bench scripts/vm-run --timeout 2400 env BENCH_OUT=/run/vmrun/out bench/run $(BENCH_ARGS)
	bench/strace-bound | tee $(BUILD)/bench/host.md
	bench/seccomp-cost | tee -a $(BUILD)/bench/host.md
	bench/explore-cost | tee -a $(BUILD)/bench/host.md
	bench/to-doc $(BUILD)/bench

# errinj in PREFIX/bin; loader and userapp (which errinj and the loader
# run by default) side by side in PREFIX/libexec/errinj; the bash
# completion where bash-completion looks for it (PREFIX/share). The Debian
# package runs this with PREFIX=/usr (debian/rules).
install: $(TOOLS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/errinj \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BUILD)/errinj $(DESTDIR)$(PREFIX)/bin/errinj
	install -m 755 $(BUILD)/loader $(BUILD)/userapp $(DESTDIR)$(PREFIX)/libexec/errinj/
	install -m 644 doc/errinj.1 doc/errinj-explore.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 completion/errinj.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/errinj

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/errinj $(DESTDIR)$(PREFIX)/share/man/man1/errinj.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/errinj-explore.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/errinj
	rm -rf $(DESTDIR)$(PREFIX)/libexec/errinj

# The tools alone (what the Debian package ships).
tools: $(TOOLS)

# The Debian package, built by dpkg-buildpackage in a copy of the tree under
# $(BUILD)/deb/ (it writes its .deb, .buildinfo and .changes to the parent
# of the tree it builds, which would be outside the checkout):
# $(BUILD)/deb/errinj_VERSION_amd64.deb. debian/rules says what it needs.
# The copy has no .git: EI_VERSION passes the checkout's version on; our
# own command line (BUILD=...) must not reach debian/rules' make.
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/src
	tar -cf - --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude=./debian/errinj \
		--exclude=./debian/.debhelper . | tar -xf - -C $(BUILD)/deb/src
	cd $(BUILD)/deb/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD EI_VERSION='$(EI_VERSION)' \
		dpkg-buildpackage -us -uc -b
	rm -rf $(BUILD)/deb/src
	@ls $(BUILD)/deb/*.deb

# Host unit tests, then the VM tests on the test kernel; one summary line.
# LAYERS=host or LAYERS=vm runs one layer.
check: tests
	tests/run $(LAYERS)

# The test kernel alone (cached outside the repo).
kernel:
	scripts/build-kernel

clean:
	rm -rf $(BUILD)

.PHONY: all tests check kernel clean install uninstall fuzz bench tools deb FORCE
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
