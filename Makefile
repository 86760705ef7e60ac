# rotaplan — two commands on a fresh machine: `make run` and `make test`.
# HiGHS is built from source by the highs-sys crate: it needs cmake, a C++ compiler and libclang.

CARGO    ?= cargo
SCENARIO ?= inputs/reassurance-10k
OUT      ?= outputs/$(notdir $(SCENARIO))
BIN      := target/release/rotaplan

.PHONY: all deps build run test bench check-inputs clean screenshots

all: build

# Installs the build prerequisites with apt-get when missing (as root), or says what to install.
deps:
	@missing=""; \
	command -v cmake >/dev/null 2>&1 || missing="$$missing cmake"; \
	command -v c++ >/dev/null 2>&1 || missing="$$missing g++"; \
	ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/*/libclang-[0-9]*.so* 2>/dev/null | grep -q . || missing="$$missing libclang-dev"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "rotaplan needs:$$missing (HiGHS builds from source). Install them, e.g.: sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(CARGO) build --release

# Solves the default scenario into outputs/ and prints the summary.
run: build
	$(BIN) solve $(SCENARIO) --out $(OUT)

# Every test, built optimised (a debug build of HiGHS would be very slow; HiGHS is always
# built optimised, and the tests share the release build with `make run`).
test: deps
	$(CARGO) test --release

# PNGs of each section of the demo's plan report, for docs/report.md (needs chromium: make deps).
screenshots: build
	$(BIN) solve inputs/demo --out outputs/demo --quiet
	bash scripts/screenshots.sh outputs/demo/report.html docs/img

check-inputs: build
	@for d in inputs/*/; do $(BIN) check $$d >/dev/null && echo "ok  $$d" || { echo "BAD $$d"; $(BIN) check $$d; exit 1; }; done

# Benchmarks: model size and times over a ladder of generated sizes and the coalition scenarios.
bench: build
	bash bench/run.sh

clean:
	$(CARGO) clean
	rm -rf outputs/*/
