# SPDX-License-Identifier: MIT
#
# vigil build. Plain make, no generator. Sources are found by wildcard, so a new
# module is one new .c/.h pair in its room and nothing here changes.
#
#   make            build build/vigil
#   make run        install missing Debian packages, build, start the live console
#   make test       install missing packages, build, run unit + integration tests
#   make bench      side-by-side benchmarks against peer tools (see bench/)
#   make fuzz       libFuzzer over the session reader, StatsD, alert rules and
#                   web configs
#                   (clang), FUZZ_SECONDS=60 each
#   make install    PREFIX=/usr/local DESTDIR= UNITDIR=/etc/systemd/system
#   DEV=1           warnings are errors
#   SANITIZE=address,undefined   sanitizer build (objects go to build/san-*)

VERSION := 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc

ifeq ($(SANITIZE),)
BUILD   ?= build
else
BUILD   ?= build/san-$(subst $(comma),-,$(SANITIZE))
endif
comma := ,

PKGS      := ncursesw libproc2 sqlite3 libunwind libunwind-ptrace zlib \
	libmicrohttpd gnutls libxcrypt
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wcast-qual \
	-Wpointer-arith -Wundef -Wvla -Wimplicit-fallthrough
ifeq ($(DEV),1)
WARN += -Werror
endif

CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DVIGIL_VERSION='"$(VERSION)"' -I. \
	$(WARN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP
# libiberty (demangling) has no pkg-config file: a static library, linked by name
LDLIBS_ALL = $(PKG_LIBS) -liberty -lpthread -lm
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=$(SANITIZE)
endif

LIB_SRC  := $(wildcard core/*.c collectors/*.c analysis/*.c store/*.c)
UI_SRC   := $(wildcard views/*.c tui/*.c)
CMD_SRC  := $(wildcard cmd/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
TUI_SRC  := $(wildcard tests/tui/test_*.c)
ACC_SRC  := $(wildcard tests/accuracy/test_*.c)
FIX_SRC  := $(wildcard tests/fixtures/*.c)
FIX_CXX_SRC := $(wildcard tests/fixtures/*.cc)
BENCH_SRC := $(wildcard bench/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UI_OBJ   := $(UI_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libvigil.a
BIN      := $(BUILD)/vigil
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=$(BUILD)/tests/%)
TUI_BIN  := $(TUI_SRC:tests/tui/%.c=$(BUILD)/tests/%)
ACC_BIN  := $(ACC_SRC:tests/accuracy/%.c=$(BUILD)/tests/%)
FIX_BIN  := $(FIX_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%) \
	$(FIX_CXX_SRC:tests/fixtures/%.cc=$(BUILD)/fixtures/%) \
	$(BUILD)/fixtures/prof_hot-stripped
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all run test unit integration tui accuracy accuracy-long bench fuzz install clean deps deps-test format check-format
all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Made anew each time: `ar r` keeps members of objects whose source is gone.
$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# The default alert rules are compiled in: vigil needs no data files.
ASSET_OBJ := $(BUILD)/assets/alerts_conf.o
$(BUILD)/assets/alerts_conf.c: assets/alerts.conf
	@mkdir -p $(@D)
	{ echo 'extern const char vigil_default_alerts[];'; \
	  echo 'const char vigil_default_alerts[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@
$(ASSET_OBJ): $(BUILD)/assets/alerts_conf.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BIN): $(CMD_OBJ) $(UI_OBJ) $(ASSET_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(UI_OBJ) $(ASSET_OBJ) $(LIB) $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(UI_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(UI_OBJ) $(LIB) $(LDLIBS_ALL) $(CMOCKA_LIBS)

# The /metrics server is cmd/'s (it wires libmicrohttpd to the renderer); its
# unit test links it beside the library.
$(BUILD)/tests/test_metrics_http: $(BUILD)/tests/unit/test_metrics_http.o \
		$(BUILD)/cmd/metrics_http.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL) $(CMOCKA_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/integration/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL) $(CMOCKA_LIBS)

$(ACC_BIN): $(BUILD)/tests/%: $(BUILD)/tests/accuracy/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL) $(CMOCKA_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/tui/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL) $(CMOCKA_LIBS)

# Benchmark tools use the store like vigil does.
$(BUILD)/bench/%: $(BUILD)/bench/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

# Profiler fixtures: optimised and without frame pointers, like distro
# binaries, so the profiler must unwind them from DWARF (.eh_frame).
$(BUILD)/fixtures/prof_%: tests/fixtures/prof_%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -fomit-frame-pointer -Wall -Wextra -o $@ $< -lpthread

# C++ profiler fixtures (demangling), built like the C ones.
CXX ?= g++
$(BUILD)/fixtures/prof_%: tests/fixtures/prof_%.cc
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -O2 -g -fomit-frame-pointer -Wall -Wextra -o $@ $<

# A stripped binary: no .symtab, only .eh_frame to tell its functions apart.
$(BUILD)/fixtures/prof_hot-stripped: $(BUILD)/fixtures/prof_hot
	strip -o $@ $<

# Fixtures are plain programs; built without sanitizers so they behave like the
# processes vigil meets in the wild (and so their memory figures are exact).
$(BUILD)/fixtures/%: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -o $@ $< -lpthread

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) $(ARGS)

# `make test` is what CI and the README promise: packages, build, every test.
test: deps-test
	@$(MAKE) --no-print-directory all unit integration tui accuracy

# Inherited by the vigil processes the integration tests start, too.
export LSAN_OPTIONS = suppressions=$(abspath tests/lsan.supp):print_suppressions=0
export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1

unit: $(UNIT_BIN)
	@scripts/run-tests.sh unit $(UNIT_BIN)

integration: $(BIN) $(INTEG_BIN) $(FIX_BIN)
	@VIGIL=$(abspath $(BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) \
		scripts/run-tests.sh integration $(INTEG_BIN)

# The console in a real terminal: tmux drives the binary, capture-pane reads it.
tui: $(BIN) $(TUI_BIN) $(FIX_BIN)
	@VIGIL=$(abspath $(BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) \
		scripts/run-tests.sh tui $(TUI_BIN)

# Accuracy against real runtimes (C, Node.js, Java): the leak verdicts of
# test_leaks, six programs recorded side by side for 80 s.
accuracy: $(BIN) $(ACC_BIN) $(FIX_BIN)
	@VIGIL=$(abspath $(BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) \
		scripts/run-tests.sh accuracy $(ACC_BIN)

# The same verdicts at vigil's default settings (1 s, no VIGIL_LEAK): nine
# programs (C, Node.js, Java, CPython) recorded side by side for 330 s, about
# 6 minutes. Not part of `make test`; VIGIL_LEAKS_KEEP=DIR keeps the sessions.
accuracy-long: $(BIN) $(BUILD)/tests/test_leaks $(FIX_BIN)
	@VIGIL_ACCURACY=long VIGIL=$(abspath $(BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) \
		scripts/run-tests.sh accuracy-long $(BUILD)/tests/test_leaks

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all $(FIX_BIN) $(BENCH_BIN)
	@VIGIL=$(abspath $(BIN)) FIXTURES=$(abspath $(BUILD)/fixtures) \
		BENCH_TOOLS=$(abspath $(BUILD)/bench) bench/run.sh

# libFuzzer over the read side of session files, StatsD packets, alert
# rules and --web-config files (tests/fuzz/). Needs clang
# (Debian: apt-get install clang); not part of `make test`. The library is
# built instrumented into build/fuzz, the seeds come from the real binary.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
FUZZ_SAN     := address,undefined

fuzz: $(BIN)
	@command -v $(FUZZ_CC) >/dev/null 2>&1 || \
		{ echo "make fuzz: $(FUZZ_CC) not found (Debian: apt-get install clang)" >&2; exit 1; }
	@$(MAKE) --no-print-directory CC=$(FUZZ_CC) BUILD=$(FUZZ_BUILD) DEV= \
		SANITIZE=fuzzer-no-link,$(FUZZ_SAN) $(FUZZ_BUILD)/libvigil.a
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -I. -O1 -g $(PKG_CFLAGS) \
		-fsanitize=fuzzer,$(FUZZ_SAN) -fno-sanitize-recover=all \
		-o $(FUZZ_BUILD)/fuzz_session tests/fuzz/fuzz_session.c \
		$(FUZZ_BUILD)/libvigil.a $(LDLIBS_ALL)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -I. -O1 -g \
		-fsanitize=fuzzer,$(FUZZ_SAN) -fno-sanitize-recover=all \
		-o $(FUZZ_BUILD)/fuzz_statsd tests/fuzz/fuzz_statsd.c \
		$(FUZZ_BUILD)/libvigil.a $(LDLIBS_ALL)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -I. -O1 -g \
		-fsanitize=fuzzer,$(FUZZ_SAN) -fno-sanitize-recover=all \
		-o $(FUZZ_BUILD)/fuzz_rules tests/fuzz/fuzz_rules.c \
		$(FUZZ_BUILD)/libvigil.a $(LDLIBS_ALL)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -I. -O1 -g \
		-fsanitize=fuzzer,$(FUZZ_SAN) -fno-sanitize-recover=all \
		-o $(FUZZ_BUILD)/fuzz_webconfig tests/fuzz/fuzz_webconfig.c \
		$(FUZZ_BUILD)/libvigil.a $(LDLIBS_ALL)
	tests/fuzz/run.sh $(abspath $(BIN)) $(abspath $(FUZZ_BUILD))/fuzz_session \
		$(FUZZ_BUILD) $(FUZZ_SECONDS)
	tests/fuzz/run.sh $(abspath $(BIN)) $(abspath $(FUZZ_BUILD))/fuzz_statsd \
		$(FUZZ_BUILD) $(FUZZ_SECONDS)
	tests/fuzz/run.sh $(abspath $(BIN)) $(abspath $(FUZZ_BUILD))/fuzz_rules \
		$(FUZZ_BUILD) $(FUZZ_SECONDS)
	tests/fuzz/run.sh $(abspath $(BIN)) $(abspath $(FUZZ_BUILD))/fuzz_webconfig \
		$(FUZZ_BUILD) $(FUZZ_SECONDS)

# The unit goes where systemd looks for units an administrator installed
# (/etc/systemd/system, or $(UNITDIR)); its ExecStart names $(PREFIX)/bin.
UNITDIR ?= /etc/systemd/system
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/vigil $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vigil
	install -m 0644 docs/vigil.1 $(DESTDIR)$(PREFIX)/share/man/man1/vigil.1
	install -m 0644 assets/alerts.conf $(DESTDIR)$(PREFIX)/share/vigil/alerts.conf
	sed 's|/usr/local/bin/vigil|$(PREFIX)/bin/vigil|g' assets/vigil.service > $(DESTDIR)$(UNITDIR)/vigil.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/vigil.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/vigil.service.tmp $(DESTDIR)$(UNITDIR)/vigil.service

format:
	clang-format -i $(LIB_SRC) $(UI_SRC) $(CMD_SRC) $(wildcard */*.h) $(UNIT_SRC) $(INTEG_SRC) $(TUI_SRC) $(FIX_SRC)

check-format:
	@clang-format --dry-run --Werror $(LIB_SRC) $(UI_SRC) $(CMD_SRC) $(wildcard */*.h) $(UNIT_SRC) $(INTEG_SRC) $(TUI_SRC) $(FIX_SRC)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
