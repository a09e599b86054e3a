# peapod: one plain Makefile.  `make` builds bin/; `make check` runs every
# test and ends with "N passed, N failed[, N skipped]".
#
#   make                      developer build (-Werror)
#   make SANITIZE=address,undefined
#   make deps                 install every Debian package needed (idempotent)
#   make unit | e2e | check | fuzz | bench | acceptance

CC      ?= gcc
PKG_CONFIG ?= pkg-config
BUILD   ?= build
BIN     ?= bin
PREFIX  ?= /usr/local

PKGS := yaml-0.1 libcyaml json-c libseccomp libcap libcurl openssl libzstd \
        libarchive sqlite3 libmnl libnftables

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wpointer-arith \
        -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wno-unused-parameter \
        -Wno-missing-field-initializers
OPT  ?= -O2 -g
CFLAGS_ALL := -std=gnu11 $(OPT) $(WARN) -I. -D_GNU_SOURCE -fno-strict-aliasing \
              $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread

ifneq ($(SANITIZE),)
CFLAGS_ALL += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# Folders that build a static archive, in link order (dependencies last).
LIBDIRS := cli kube podengine network base
srcs = $(filter-out cli/main.c,$(sort $(wildcard $(1)/*.c)))
objs = $(patsubst %.c,$(BUILD)/%.o,$(call srcs,$(1)))
ARCHIVES := $(foreach d,$(LIBDIRS),$(BUILD)/lib$(d).a)

CLI_OBJS := $(BUILD)/cli/main.o
CONMON_OBJS := $(call objs,conmon)
INFRA_SRCS := $(call srcs,infra)
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))

BINS := $(BIN)/peapod $(if $(CONMON_OBJS),$(BIN)/peapod-conmon) $(if $(INFRA_SRCS),$(BIN)/peapod-pause)

.PHONY: all clean deps unit e2e check fuzz bench install acceptance format demo
all: $(BINS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

define archive_rule
$(BUILD)/lib$(1).a: $(call objs,$(1)) | $(BUILD)/empty.o
	@mkdir -p $$(dir $$@)
	$(Q)rm -f $$@ && $(AR) rcs $$@ $$(if $$(filter %.o,$$^),$$(filter %.o,$$^),$(BUILD)/empty.o)
endef
$(foreach d,$(LIBDIRS),$(eval $(call archive_rule,$(d))))

$(BUILD)/empty.o:
	@mkdir -p $(BUILD)
	printf '' | $(CC) -x c -c - -o $@

$(BIN)/peapod: $(CLI_OBJS) $(ARCHIVES) | $(BUILD)/empty.o
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(ARCHIVES) $(LIBS)

$(BIN)/peapod-conmon: $(CONMON_OBJS) $(BUILD)/libbase.a -ljson-c
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(if $(SANITIZE),,-static) -o $@ $(CONMON_OBJS) $(BUILD)/libbase.a -ljson-c

# peapod-conmon links libc and json-c only, statically: one runs per container, and
# shared-library pages are most of a small process's RSS.
#
# The pause process is static and uses libc only (no sanitizers: it must
# run in an empty rootfs).
$(BIN)/peapod-pause: $(INFRA_SRCS)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -std=gnu11 -O2 $(WARN) -static -s -o $@ $(INFRA_SRCS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(ARCHIVES) | $(BUILD)/empty.o
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(LIBS)

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

e2e: all
	@tests/run-e2e.sh

check: all $(UNIT_BINS)
	@tests/run-tests.sh $(UNIT_BINS)

# libFuzzer targets (clang); not part of `make check`.
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined -g -O1
fuzz: $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
	@for f in $^; do echo "== $$f"; $$f -max_total_time=$${FUZZ_SECONDS:-20} \
	  tests/fuzz/corpus/$$(basename $$f) || exit 1; done

$(BUILD)/fuzz/%: tests/fuzz/%.c
	@mkdir -p $(dir $@) tests/fuzz/corpus/$*
	$(MAKE) BUILD=$(BUILD)/fuzzobj CC=clang OPT="-O1 -g" \
	  CFLAGS="-fsanitize=fuzzer-no-link,address,undefined" LDFLAGS="-fsanitize=address,undefined" \
	  $(foreach d,$(LIBDIRS),$(BUILD)/fuzzobj/lib$(d).a)
	clang -std=gnu11 -I. -D_GNU_SOURCE $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
	  -o $@ $< $(foreach d,$(LIBDIRS),$(BUILD)/fuzzobj/lib$(d).a) $(LIBS)

bench: all
	@bench/run.sh

# The README's quick start: install, build, run.
demo: deps
	$(MAKE) all
	@tests/demo.sh

# Real-world manifests (../shared/k8s-examples) played with peapod and
# compared with what Kubernetes does; a report, not part of `make check`.
acceptance: all
	@tests/acceptance/k8s-examples.sh

# Every Debian package the project needs to build, run and test.
DEB_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
  libyaml-dev libcyaml-dev libjson-c-dev libseccomp-dev libcap-dev \
  libcurl4-openssl-dev libssl-dev libzstd-dev libarchive-dev libsqlite3-dev \
  libmnl-dev libnftables-dev crun runc uidmap passt fuse-overlayfs busybox-static bats \
  docker-registry skopeo umoci apache2-utils jq sqlite3 iproute2 nftables \
  openssl curl util-linux procps psmisc python3 python3-grpcio nodejs parallel
# npm: Debian's package, unless node came with its own (NodeSource's does).
deps:
	@tests/deps.sh $(DEB_PKGS)
	@command -v npm >/dev/null || tests/deps.sh npm
	@tests/k8s-validate/install.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/peapod
	install -m 0755 $(BIN)/peapod $(DESTDIR)$(PREFIX)/bin/peapod
	for b in $(BIN)/peapod-conmon $(BIN)/peapod-pause; do \
	  [ ! -f $$b ] || install -m 0755 $$b $(DESTDIR)$(PREFIX)/libexec/peapod/; done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(BIN)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
