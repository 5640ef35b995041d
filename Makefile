# The two commands of the README. Both do all set-up on a fresh Debian 12 machine:
#   make run   install what is missing, build, load the sample model, run the hub in the foreground
#   make test  install what is missing, build, run every test (ctest)
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
RUN_DIR    ?= var
CMAKE_ARGS ?=

FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 30

.PHONY: all deps build run test test-sanitize bench fuzz install clean
all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: build
	@scripts/run-local.sh $(BUILD) $(RUN_DIR)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 300

test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DZENHUB_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 600

bench: build
	$(BUILD)/bin/zenhub-bench all --json

# Each fuzz target for FUZZ_SECONDS with libFuzzer (clang), new inputs kept in build-fuzz/corpus.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DZENHUB_FUZZ=ON $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target passwd_fuzz hub_config_fuzz model_yaml_fuzz rpc_connection_fuzz http_request_fuzz xmlrpc_fuzz
	@for t in passwd hub_config model_yaml rpc_connection http_request xmlrpc; do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  echo "== fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/bin/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# Installs under PREFIX (config in /etc/zenhub, the unit in /usr/lib/systemd/system); DESTDIR
# stages it elsewhere. As root on the real system it also creates the `zenhub` system user the
# unit runs as.
PREFIX ?= /usr
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix $(PREFIX)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && ! id zenhub >/dev/null 2>&1; then \
	  useradd --system --home-dir /var/lib/zenhub --no-create-home --shell /usr/sbin/nologin zenhub && \
	  echo "created system user zenhub"; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
