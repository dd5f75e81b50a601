# errinj: `make` builds everything into build/, `make check` runs the tests.
# Warnings are errors, on both the kernel side and the user side.

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= bpftool
PREFIX   ?= /usr/local

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
CPPFLAGS += -I$(BUILD) -Ilib -Ibpf
LDLIBS   += -lbpf -lelf -lz
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror -I$(BUILD) -Ibpf

# CO-RE needs the BTF of some kernel to generate vmlinux.h: the running
# kernel's when it has one, else the test kernel's (built and cached by
# scripts/build-kernel).
VMLINUX_BTF ?= $(if $(wildcard /sys/kernel/btf/vmlinux),/sys/kernel/btf/vmlinux,$(shell scripts/build-kernel)/vmlinux)

LIB_SRCS  := $(wildcard lib/*.c)
LIB_OBJS  := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/%.o)
LIB       := $(BUILD)/liberrinj.a
GEN       := $(BUILD)/errno_table.h $(BUILD)/syscall_table.h $(BUILD)/signal_table.h

TOOLS     := $(BUILD)/loader $(BUILD)/userapp $(BUILD)/errinj
SAMPLES   := $(BUILD)/samples/hello $(BUILD)/samples/hello_trigger \
             $(BUILD)/samples/map_test $(BUILD)/samples/tracex5
TEST_PROGS := $(patsubst tests/progs/%.c,$(BUILD)/tests/%,$(wildcard tests/progs/*.c))
BENCH     := $(BUILD)/bench/syscall_cost
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_*.c))

# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer,
# with the library's sources built the same way.
ASAN_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(wildcard tests/unit/test_*.c))
# The tools too, for the host CLI tests (tests/run runs them against both).
ASAN_TOOLS := $(BUILD)/asan/bin/errinj $(BUILD)/asan/bin/loader $(BUILD)/asan/bin/userapp
SANITIZE   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

all: $(TOOLS) $(SAMPLES) $(TEST_PROGS) $(BENCH) $(UNIT_TESTS) $(ASAN_TESTS) $(ASAN_TOOLS) $(BUILD)/fuzz_spec

$(BUILD) $(BUILD)/lib $(BUILD)/samples $(BUILD)/tests $(BUILD)/tests/unit $(BUILD)/asan $(BUILD)/asan/bin $(BUILD)/bench:
	mkdir -p $@

# ---- generated tables and headers ----
$(BUILD)/errno_table.h: lib/gen-tables.sh | $(BUILD)
	lib/gen-tables.sh errno $(CC) > $@.tmp && mv $@.tmp $@
# The syscall table comes from the kernel's own sources (numbers, entry
# points, prototypes), extracted once from Debian's linux-source-6.1.
KSRC_TARBALL ?= /usr/src/linux-source-6.1.tar.xz
KSRC_FILES := include/linux/syscalls.h arch/x86/entry/syscalls/syscall_64.tbl
$(BUILD)/ksrc/.stamp: | $(BUILD)
	@test -r $(KSRC_TARBALL) || { echo "$(KSRC_TARBALL) is missing: install linux-source-6.1 (scripts/setup)" >&2; exit 1; }
	mkdir -p $(BUILD)/ksrc
	tar -xJf $(KSRC_TARBALL) -C $(BUILD)/ksrc --strip-components=1 $(addprefix linux-source-6.1/,$(KSRC_FILES))
	touch $@
$(BUILD)/syscall_table.h: lib/gen-syscalls.awk $(BUILD)/ksrc/.stamp
	awk -f lib/gen-syscalls.awk $(addprefix $(BUILD)/ksrc/,$(KSRC_FILES)) > $@.tmp && mv $@.tmp $@
$(BUILD)/signal_table.h: lib/gen-tables.sh | $(BUILD)
	lib/gen-tables.sh signal $(CC) > $@.tmp && mv $@.tmp $@
$(BUILD)/vmlinux.h: | $(BUILD)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# ---- kernel side: bpf/*.bpf.c and samples/*.bpf.c -> object -> skeleton ----
$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BUILD)/vmlinux.h $(wildcard bpf/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BUILD)/samples/%.bpf.o: samples/%.bpf.c $(BUILD)/vmlinux.h | $(BUILD)/samples
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# ---- library core ----
$(BUILD)/lib/engine.o: $(BUILD)/errinj.skel.h
$(BUILD)/lib/%.o: lib/%.c lib/liberrinj.h bpf/errinj.h $(GEN) | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

# ---- tools ----
$(BUILD)/loader: tools/loader.c $(BUILD)/err_injector.skel.h $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@
$(BUILD)/errinj: tools/errinj.c $(LIB)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@
# Static: a dynamic loader's own openat/read/close must not be failed.
$(BUILD)/userapp: tools/userapp.c | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static $< -o $@

# ---- samples ----
$(BUILD)/samples/%: samples/%.c $(BUILD)/samples/%.skel.h $(LIB)
	$(CC) $(CPPFLAGS) -I$(BUILD)/samples $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@
$(BUILD)/samples/hello_trigger: samples/hello_trigger.c | $(BUILD)/samples
	$(CC) $(CPPFLAGS) $(CFLAGS) $< -o $@

# ---- tests ----
$(BUILD)/tests/%: tests/progs/%.c $(LIB) | $(BUILD)/tests
	$(CC) $(CPPFLAGS) $(CFLAGS) -pthread $< $(LIB) -o $@
$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/test.h $(LIB) | $(BUILD)/tests/unit
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $< $(LIB) $(LDLIBS) -o $@

# ---- benchmarks: `make bench` (one boot of the test VM) ----
$(BUILD)/bench/%: bench/%.c | $(BUILD)/bench
	$(CC) $(CPPFLAGS) $(CFLAGS) $< -o $@
bench: all
	scripts/vm-run --timeout 1200 bench/run $(BENCH_ARGS)

# errinj in PREFIX/bin; loader and userapp (which errinj and the loader
# run by default) side by side in PREFIX/libexec/errinj.
install: $(TOOLS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/errinj \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/errinj $(DESTDIR)$(PREFIX)/bin/errinj
	install -m 755 $(BUILD)/loader $(BUILD)/userapp $(DESTDIR)$(PREFIX)/libexec/errinj/
	install -m 644 doc/errinj.1 $(DESTDIR)$(PREFIX)/share/man/man1/errinj.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/errinj $(DESTDIR)$(PREFIX)/share/man/man1/errinj.1
	rm -rf $(DESTDIR)$(PREFIX)/libexec/errinj

$(BUILD)/asan/%: tests/unit/%.c tests/unit/test.h $(LIB_SRCS) lib/liberrinj.h $(GEN) $(BUILD)/errinj.skel.h | $(BUILD)/asan
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(SANITIZE) $< $(LIB_SRCS) $(LDLIBS) -o $@

$(BUILD)/asan/bin/errinj: tools/errinj.c $(LIB_SRCS) lib/liberrinj.h $(GEN) $(BUILD)/errinj.skel.h | $(BUILD)/asan/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) $< $(LIB_SRCS) $(LDLIBS) -o $@
$(BUILD)/asan/bin/loader: tools/loader.c $(LIB_SRCS) lib/liberrinj.h $(GEN) $(BUILD)/errinj.skel.h $(BUILD)/err_injector.skel.h | $(BUILD)/asan/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) $< $(LIB_SRCS) $(LDLIBS) -o $@
# Dynamic here: the sanitizers' runtimes do not link statically.
$(BUILD)/asan/bin/userapp: tools/userapp.c | $(BUILD)/asan/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) $< -o $@

# libFuzzer on the spec parser: `make fuzz [FUZZ_TIME=600]`. make check
# runs it for FUZZ_CHECK_TIME seconds (tests/run).
FUZZ_TIME ?= 600
$(BUILD)/fuzz_spec: tests/fuzz/fuzz_spec.c lib/spec.c lib/tables.c lib/liberrinj.h $(GEN) | $(BUILD)
	$(CLANG) $(CPPFLAGS) -O1 -g -Wall -Werror -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $< lib/spec.c lib/tables.c -o $@
fuzz: $(BUILD)/fuzz_spec
	mkdir -p $(BUILD)/fuzz-corpus
	$(BUILD)/fuzz_spec -max_total_time=$(FUZZ_TIME) -max_len=512 -timeout=10 \
		$(BUILD)/fuzz-corpus tests/fuzz/corpus

# Host unit tests, then the VM tests on the test kernel; one summary line.
check: all
	tests/run

# The test kernel alone (cached outside the repo).
kernel:
	scripts/build-kernel

clean:
	rm -rf $(BUILD)

.PHONY: all check kernel clean install uninstall fuzz bench
.DELETE_ON_ERROR:
.SECONDARY:
