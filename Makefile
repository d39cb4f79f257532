# yizhan: one Makefile. `make` builds build/rel/yizhan and the browser UI
# (web/dist); `make run` serves the demo; `make test` builds everything under
# ASan+UBSan and runs every test, the browser tests last.
# Libraries come from Debian packages through pkg-config; scripts/deps.sh
# installs whatever is missing.

PKGS       := libmicrohttpd jansson sqlite3 libsodium inih liboath libcurl libmagic pangocairo cairo-pdf fontconfig
TEST_PKGS  := cmocka
CC         ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter
BASE     := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Isrc $(WARN) $(PKG_CFLAGS) -MMD -MP
REL_CFLAGS  := $(BASE) -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
REL_LDFLAGS := -pie -Wl,-z,relro,-z,now
SAN         := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS := $(BASE) -O1 -g $(SAN) -DYZ_TEST_BUILD
TEST_LDFLAGS:= $(SAN)

LIB_SRC   := $(shell find src -name '*.c' ! -name main.c | sort)
UNIT_SRC  := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
API_SRC   := $(shell find tests/api -name 'test_*.c' 2>/dev/null | sort)
TLIB_SRC  := $(shell find tests/lib -name '*.c' 2>/dev/null | sort)
PROOF_SRC := $(shell find tests/proof -name 'proof_*.c' 2>/dev/null | sort)
FUZZ_SRC  := $(shell find tests/fuzz -name 'fuzz_*.c' 2>/dev/null | sort)

REL_OBJ   := $(LIB_SRC:%.c=build/rel/%.o)
TEST_OBJ  := $(LIB_SRC:%.c=build/test/%.o)
TLIB_OBJ  := $(TLIB_SRC:%.c=build/test/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=build/test/unit/%)
API_BIN   := $(API_SRC:tests/api/%.c=build/test/api/%)
PROOF_BIN := $(PROOF_SRC:tests/proof/%.c=build/test/proof/%)
# libFuzzer targets (tests/fuzz, SECURITY.md T13): the library again, built by clang.
FUZZ_CC     := clang
FUZZ_CFLAGS := $(BASE) -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer -Wno-format-nonliteral
FUZZ_OBJ    := $(LIB_SRC:%.c=build/fuzz/%.o)
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/bin/%)

# `make proof` (README, SECURITY.md T1-T26): long, bounded runs of the test
# build that prove what `make test` samples. Each suite is one command (a
# binary built from tests/proof/proof_*.c, or a script) that prints its figures
# as its last lines; add a suite by appending it here, in the order to run.
PROOF_SUITES := build/test/proof/proof_access_sweep build/test/proof/proof_audit_tamper \
                build/test/proof/proof_malformed \
                build/test/proof/proof_auth_attacks scripts/proof/sqlmap.py \
                scripts/proof/fuzz.sh scripts/proof/slow_clients.sh scripts/proof/stored_xss.sh
PROOF_SUITES += build/test/proof/proof_crash_loop build/test/proof/proof_power_cut \
                build/test/proof/proof_storage_faults build/test/proof/proof_io_errors

.SECONDARY:
.PHONY: all deps test-deps proof-deps run test unit api valgrind lint clean check-banned bench bench-quick proof fuzz ui ui-test
all: deps build/rel/yizhan web/dist/index.html

deps:
	@./scripts/deps.sh
test-deps:
	@./scripts/deps.sh --test
proof-deps:
	@./scripts/deps.sh --proof

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(REL_CFLAGS) -c $< -o $@
build/test/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(TEST_CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) -Itests -c $< -o $@

build/rel/yizhan: build/rel/src/main.o $(REL_OBJ)
	@echo "CC $@"; $(CC) $(REL_LDFLAGS) $^ $(PKG_LIBS) -o $@
build/test/yizhan: build/test/src/main.o $(TEST_OBJ)
	@echo "CC $@"; $(CC) $(TEST_LDFLAGS) $^ $(PKG_LIBS) -o $@

build/test/unit/%: build/test/tests/unit/%.o $(TEST_OBJ) $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(TEST_LDFLAGS) $^ $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS)) -o $@
build/test/api/%: build/test/tests/api/%.o $(TEST_OBJ) $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(TEST_LDFLAGS) $^ $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS)) -o $@
build/test/proof/%: build/test/tests/proof/%.o $(TEST_OBJ) $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(TEST_LDFLAGS) $^ $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS)) -o $@

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/bin/%: build/fuzz/tests/fuzz/%.o $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ $(PKG_LIBS) -o $@
fuzz: proof-deps $(FUZZ_BIN)

# The browser UI (web/README.md): npm ci when the lock file changed (or on
# first use), then vue-tsc and Vite build web/dist when any source changed.
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts \
           web/tsconfig.json web/package.json
web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	@echo "NPM ci web/"; cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	@echo "VITE web/dist"; cd web && npm run --silent build -- --logLevel warn
ui: deps web/dist/index.html

# The demo: var/ holds the database, keys and uploads; created once.
run: all
	@test -f var/yizhan.db || build/rel/yizhan init --demo --dir var
	build/rel/yizhan serve --dir var

unit: test-deps $(UNIT_BIN)
	@./scripts/run-tests.sh unit $(UNIT_BIN)
api: test-deps build/test/yizhan $(API_BIN)
	@YZ_BIN=$(CURDIR)/build/test/yizhan YZ_DATA=$(CURDIR)/data ./scripts/run-tests.sh api $(API_BIN)

# The release binary under valgrind: init, two PDF renders, a served session, a clean stop.
valgrind: all build/rel/shims/slow_fontsort.so
	@./scripts/valgrind-smoke.sh build/rel/yizhan
# Delays pango's font sorting so that shutdown meets it still running (the smoke's last run).
build/rel/shims/slow_fontsort.so: tests/shims/slow_fontsort.c
	@mkdir -p $(@D); echo "CC $@"; $(CC) -std=c11 $(WARN) -O1 -shared -fPIC $(PKG_CFLAGS) -o $@ $< -ldl

test: test-deps lint
	@$(MAKE) --no-print-directory unit api valgrind ui-test

# Browser tests: Debian's chromium against the release server and the built UI.
ui-test: test-deps all
	@./scripts/ui-test.sh

# The proof suites (under 30 minutes in total; see PROOF_SUITES above).
proof: proof-deps build/test/yizhan $(PROOF_BIN) $(FUZZ_BIN) web/dist/index.html
	@YZ_BIN=$(CURDIR)/build/test/yizhan YZ_DATA=$(CURDIR)/data ./scripts/run-proof.sh $(PROOF_SUITES)

# Banned calls and string-built SQL are refused at build time (SECURITY.md T5, STYLE.md).
lint:
	@./scripts/lint.sh

# Benchmarks (bench/README.md): never part of `make test`. `make bench` takes
# about 20 minutes and rewrites bench/RESULTS.md; `make bench-quick` (or
# `make bench ARGS=--quick`) takes under 3 and writes build/bench/.
bench: all build/bench/data_measure build/bench/tokenizer_measure
	@./bench/run.sh $(ARGS)
bench-quick: all build/bench/data_measure build/bench/tokenizer_measure
	@./bench/run.sh --quick $(ARGS)
# The in-process measurements of `make bench ARGS="--data N"` (bench/data.sh),
# linked against the release objects.
build/bench/data_measure: bench/data_measure.c $(REL_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(REL_CFLAGS) $(REL_LDFLAGS) bench/data_measure.c $(REL_OBJ) $(PKG_LIBS) -o $@
# The knowledge base search's quality and cost in process (bench/kb_measure.c).
build/bench/kb_measure: bench/kb_measure.c $(REL_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(REL_CFLAGS) $(REL_LDFLAGS) bench/kb_measure.c $(REL_OBJ) $(PKG_LIBS) -o $@
# The tokenizer's throughput on the knowledge base's text (bench/tokenizer_measure.c).
build/bench/tokenizer_measure: bench/tokenizer_measure.c build/rel/src/search/tokenizer.o build/rel/src/core/num.o
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(REL_CFLAGS) $(REL_LDFLAGS) bench/tokenizer_measure.c \
		build/rel/src/search/tokenizer.o build/rel/src/core/num.o $(PKG_LIBS) -o $@

clean:
	rm -rf build web/dist

-include $(REL_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(TLIB_OBJ:.o=.d) \
	$(UNIT_SRC:tests/unit/%.c=build/test/tests/unit/%.d) $(API_SRC:tests/api/%.c=build/test/tests/api/%.d) \
	$(PROOF_SRC:tests/proof/%.c=build/test/tests/proof/%.d) $(FUZZ_OBJ:.o=.d) \
	$(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/tests/fuzz/%.d)
