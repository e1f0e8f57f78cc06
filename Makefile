# model-router — plain GNU make.
#
#   make            build build/model-router
#   make run        install missing packages, build, start the main job
#   make check      install missing packages, build, run every test
#   make bench      micro and whole-process benchmarks (JSON)
#   make fuzz       build libFuzzer targets (clang); FUZZ_SECONDS=N runs them
#   make soak       the proxy under faults, 100,000 requests, ASan + UBSan
#   make install    PREFIX/DESTDIR/BINDIR/MANDIR/DATADIR honoured
#
# Knobs: SANITIZE=address,undefined  DEVELOPER=1 (-Werror)  V=1  UPDATE_GOLDEN=1

PROG       := model-router
VERSION    := 0.1.0

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATAROOT   ?= $(PREFIX)/share
DATADIR    ?= $(DATAROOT)/$(PROG)
MANDIR     ?= $(DATAROOT)/man
BASHCOMPDIR ?= $(DATAROOT)/bash-completion/completions
ZSHCOMPDIR ?= $(DATAROOT)/zsh/site-functions
FISHCOMPDIR ?= $(DATAROOT)/fish/vendor_completions.d
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g
LDFLAGS    ?=
INSTALL    ?= install

ifneq ($(SANITIZE),)
B          ?= build/sanitize
else
B          ?= build
endif
# PKGS are compiled against and linked.  DL_PKGS are compiled against
# only (their headers type the calls) and opened with dlopen() when a
# command needs them: libarchive, for doctor --bundle and backups, would
# bring libxml2, ICU and libstdc++ into every process (src/util/archive-dl.c).
PKGS       := yaml-0.1 libpcre2-8 libcjson libcurl libmicrohttpd libcrypto \
              nettle
DL_PKGS    := libarchive
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) $(DL_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# libcurl's GnuTLS build where the system has it (Debian's libcurl3-gnutls,
# as git uses), whichever libcurl -dev package gave the headers: the API is
# the same, and the proxy then loads no libssl and needs none of OpenSSL's
# error strings (libcrypto stays, for libssh2 and our hashes), about
# 1.7 MB less resident.  CURL_LIBS=-lcurl links the -dev package's own.
CURL_GNUTLS := $(shell $(CC) -print-file-name=libcurl-gnutls.so.4 2>/dev/null)
CURL_LIBS  ?= $(if $(filter /%,$(CURL_GNUTLS)),-l:libcurl-gnutls.so.4,-lcurl)
PKG_LIBS   := $(patsubst -lcurl,$(CURL_LIBS),$(PKG_LIBS))
UNAME_S    := $(shell uname -s)
# What dlopen() is given: the soname of the libarchive the headers belong
# to (Linux), the .dylib in its libdir (macOS: Homebrew's is keg-only).
ARCHIVE_LIBDIR := $(shell $(PKG_CONFIG) --variable=libdir libarchive 2>/dev/null)
ifeq ($(UNAME_S),Darwin)
LIBARCHIVE := $(if $(ARCHIVE_LIBDIR),$(ARCHIVE_LIBDIR)/)libarchive.13.dylib
else
LIBARCHIVE := $(shell objdump -p $(ARCHIVE_LIBDIR)/libarchive.so 2>/dev/null | \
              sed -n 's/^ *SONAME *//p')
LIBARCHIVE := $(or $(LIBARCHIVE),libarchive.so.13)
endif
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka libmicrohttpd 2>/dev/null)
TEST_LIBS  := $(shell $(PKG_CONFIG) --libs cmocka libmicrohttpd 2>/dev/null)

# Project flags live apart from the user's CFLAGS.
MR_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
              -Iinclude -I$(B)/gen -Wall -Wextra -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
              -fno-math-errno \
              -DMR_VERSION='"$(VERSION)"' -DMR_DATADIR='"$(DATADIR)"' \
              $(PKG_CFLAGS)
ifeq ($(DEVELOPER),1)
MR_CFLAGS  += -Werror
endif
ifneq ($(CI),)
MR_CFLAGS  += -Werror
endif
ifneq ($(SANITIZE),)
MR_CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=$(SANITIZE)
endif
LIBS       := $(PKG_LIBS) -lm -lpthread
ifeq ($(UNAME_S),Linux)
LIBS       += -ldl
# a library the code does not call is not loaded: the math the binary
# does compiles to instructions (-fno-math-errno) or is libc's, so libm,
# with 300 KB of its pages resident, is not loaded at all
LDFLAGS    += -Wl,--as-needed
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Everything but main.c goes into one static library that the binary, the
# unit tests, the benchmarks and the fuzz targets all link.
LIB_SRCS   := $(sort $(wildcard src/*/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(B)/%.o) $(B)/gen/embedded.o
LIB        := $(B)/libmr.a
EMBED      := catalog/model_router.yaml catalog/models.yaml $(sort $(wildcard presets/*.yaml))
UNIT_SRCS  := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRCS  := $(sort $(wildcard fuzz/fuzz-*.c))

.PHONY: all check bench fuzz install uninstall clean lint deps run valgrind units soak FORCE
all: $(B)/$(PROG) $(B)/$(PROG)-proxy

# The flags everything is built with, in a file rewritten only when they
# change (CFLAGS, LDFLAGS, LIBARCHIVE=, CURL_LIBS=, ...): every object
# depends on it, so a changed knob rebuilds what it touches instead of
# leaving objects built the old way.
BUILD_FLAGS = $(CC) $(MR_CFLAGS) $(CFLAGS) $(LIBARCHIVE) | $(LDFLAGS) $(LIBS)
$(B)/gen/flags: FORCE
	$(shell mkdir -p $(dir $@))$(file >$@.new,$(BUILD_FLAGS))
	@test -f $@.new || : >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi
FORCE:

$(B)/%.o: %.c $(B)/gen/flags
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O1 -o $@ $<

$(B)/gen/embedded.c: $(B)/tools/embed $(EMBED)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  EMBED   $(EMBED)")
	$(Q)$(B)/tools/embed $@ $(EMBED)

$(B)/src/util/archive-dl.o: MR_CFLAGS += -DMR_LIBARCHIVE='"$(LIBARCHIVE)"'

$(B)/gen/embedded.o: $(B)/gen/embedded.c $(B)/gen/flags
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/$(PROG): $(B)/main.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The proxy alone: what `proxy run` runs when it sits beside model-router
# (the linker takes from the library only what the proxy calls).
$(B)/$(PROG)-proxy: $(B)/proxy-main.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/main.o $(B)/proxy-main.o: $(B)/%.o: src/%.c $(B)/gen/flags
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Programs compiled and linked in one step still note the headers they read.
LINKDEPS    = -MMD -MP -MT $@ -MF $@.d

$(B)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(MR_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) $(LDFLAGS) $(LINKDEPS) -o $@ $< $(LIB) $(TEST_LIBS) $(LIBS)

$(B)/tests/corpus-check: tests/tools/corpus-check.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) $(LDFLAGS) $(LINKDEPS) -o $@ $< $(LIB) $(LIBS)

$(B)/tests/score-lines: tests/tools/score-lines.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) $(LDFLAGS) $(LINKDEPS) -o $@ $< $(LIB) $(LIBS)

# The scorer with its portable lexer alone (no SSE2), held against the
# fast one by tests/diff/portable.py.
$(B)/tests/scorer-portable.o: src/core/scorer.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) -DMR_NO_SSE2 -MMD -MP -c -o $@ $<

$(B)/tests/score-lines-portable: tests/tools/score-lines.c \
    $(B)/tests/scorer-portable.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) $(LDFLAGS) $(LINKDEPS) -o $@ $< \
	    $(B)/tests/scorer-portable.o $(LIB) $(LIBS)

$(B)/tests/fake-server: tests/tools/fake-server.c tests/unit/fake-servers.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) $(LDFLAGS) $(LINKDEPS) -o $@ $< $(TEST_LIBS)

$(B)/tests/scan-fixture: tests/tools/scan-fixture.c tests/unit/scan-fixture.h \
    tests/unit/gguf-writer.h $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) $(LDFLAGS) $(LINKDEPS) -o $@ $< $(LIB) $(LIBS)

units: $(UNIT_BINS) $(B)/tests/corpus-check $(B)/tests/score-lines \
    $(B)/tests/score-lines-portable $(B)/tests/fake-server \
    $(B)/tests/scan-fixture

# The README's test command. deps first, so a fresh Debian machine works.
check: deps
	$(Q)$(MAKE) --no-print-directory all units
	$(Q)MR_BUILD=$(B) sh tests/run.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./$(B)/$(PROG)

deps:
	$(Q)sh tools/deps.sh

$(B)/bench/bench-router: bench/bench-router.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) -O2 $(LDFLAGS) $(LINKDEPS) -o $@ $< $(LIB) $(LIBS)

$(B)/bench/bench-scan: bench/bench-scan.c tests/unit/fake-servers.h \
    tests/unit/scan-fixture.h $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -O2 $(LDFLAGS) $(LINKDEPS) -o $@ $< \
	    $(LIB) $(TEST_LIBS) $(LIBS)

$(B)/bench/bench-proxy: bench/bench-proxy.c tests/unit/fake-servers.h \
    tests/unit/proxy-thread.h $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -O2 $(LDFLAGS) $(LINKDEPS) -o $@ $< \
	    $(LIB) $(TEST_LIBS) $(LIBS)

$(B)/bench/bench-exec: bench/bench-exec.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MR_CFLAGS) $(CFLAGS) -O2 $(LDFLAGS) $(LINKDEPS) -o $@ $<

bench: all $(B)/bench/bench-router $(B)/bench/bench-scan $(B)/bench/bench-proxy \
    $(B)/bench/bench-exec
	$(Q)MR_BUILD=$(B) sh bench/run.sh

# libFuzzer needs clang; the targets are built with ASan and UBSan.
FUZZ_CC    ?= clang
FUZZ_SECONDS ?= 0
fuzz:
	$(Q)$(MAKE) --no-print-directory B=build/fuzz CC=$(FUZZ_CC) \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    build/fuzz/libmr.a
	$(Q)for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
	    $(FUZZ_CC) $(MR_CFLAGS) -Ibuild/fuzz/gen -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o build/fuzz/$$n $$f build/fuzz/libmr.a $(LIBS) || exit 1; \
	    echo "  FUZZ    build/fuzz/$$n"; done
	$(Q)if [ "$(FUZZ_SECONDS)" -gt 0 ]; then sh fuzz/run.sh $(FUZZ_SECONDS); fi

valgrind: all
	$(Q)sh tests/valgrind.sh

# The proxy's soak: SOAK_N requests (100,000) with faults, under ASan and
# UBSan; make check runs the same test with 3,000.
SOAK_N ?= 100000
soak:
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined units
	$(Q)SOAK_N=$(SOAK_N) build/sanitize/tests/test-soak

lint:
	$(Q)sh tools/lint.sh

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(DATADIR)/presets $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	    $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 755 $(B)/$(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	rm -f $(DESTDIR)$(BINDIR)/$(PROG)-proxy	# was a link to $(PROG)
	$(INSTALL) -m 755 $(B)/$(PROG)-proxy $(DESTDIR)$(BINDIR)/$(PROG)-proxy
	$(INSTALL) -m 644 man/$(PROG).1 $(DESTDIR)$(MANDIR)/man1/$(PROG).1
	$(INSTALL) -m 644 catalog/model_router.yaml $(DESTDIR)$(DATADIR)/model_router.yaml
	$(INSTALL) -m 644 catalog/models.yaml $(DESTDIR)$(DATADIR)/models.yaml
	$(INSTALL) -m 644 presets/*.yaml $(DESTDIR)$(DATADIR)/presets/
	$(INSTALL) -m 644 completions/$(PROG).bash $(DESTDIR)$(BASHCOMPDIR)/$(PROG)
	$(INSTALL) -m 644 completions/_$(PROG) $(DESTDIR)$(ZSHCOMPDIR)/_$(PROG)
	$(INSTALL) -m 644 completions/$(PROG).fish $(DESTDIR)$(FISHCOMPDIR)/$(PROG).fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(BINDIR)/$(PROG)-proxy \
	    $(DESTDIR)$(MANDIR)/man1/$(PROG).1 $(DESTDIR)$(BASHCOMPDIR)/$(PROG) \
	    $(DESTDIR)$(ZSHCOMPDIR)/_$(PROG) $(DESTDIR)$(FISHCOMPDIR)/$(PROG).fish
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
