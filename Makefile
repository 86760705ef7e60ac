# rotaplan — two commands on a fresh machine: `make run` and `make test`.
# HiGHS is built from source by the highs-sys crate: it needs cmake, a C++ compiler and libclang.

CARGO    ?= cargo
SCENARIO ?= inputs/reassurance-10k
OUT      ?= outputs/$(notdir $(SCENARIO))
BIN      := target/release/rotaplan

.PHONY: all deps build run test test-office test-slurm bench check-inputs clean fuzz fuzz-build screenshots

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

# The spreadsheet test with a real spreadsheet program: installs LibreOffice Calc (headless,
# from Debian's packages) when missing, then checks that it reads plan.xlsx back to the CSV values.
test-office: deps
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing: libreoffice-calc-nogui"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null || exit 1; \
	  else \
	    echo "test-office needs LibreOffice: sudo apt-get install libreoffice-calc-nogui"; exit 1; \
	  fi; }
	$(CARGO) test --release --test office -- --nocapture

# The Slurm job array of docs/operations.md on a real single-node Slurm (not part of `make test`):
# installs slurm-wlm and munge (Debian's packages) when missing, then tests/slurm/run.sh starts
# munged, slurmctld and slurmd in a temporary directory, runs the doc's blocks, and stops them.
test-slurm: build
	@command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v munged >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing: slurm-wlm munge"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null || exit 1; \
	  else \
	    echo "test-slurm needs root and Slurm: sudo apt-get install slurm-wlm munge"; exit 1; \
	  fi; }
	bash tests/slurm/run.sh

# PNGs of each section of the demo's plan report, for docs/report.md (needs chromium: make deps).
screenshots: build
	$(BIN) solve inputs/demo --out outputs/demo --quiet
	bash scripts/screenshots.sh outputs/demo/report.html docs/img
	# The ask and the explanations need a shortfall: the demo with frigates GBR 1, FRA 0 and Italy joined, offering nothing yet.
	rm -rf outputs/demo-ask-inputs && cp -r inputs/demo outputs/demo-ask-inputs
	sed -i 's/^GBR,frigate,3/GBR,frigate,1/; s/^FRA,frigate,3/FRA,frigate,0/' outputs/demo-ask-inputs/offers.csv
	echo "ITA,Italy,," >> outputs/demo-ask-inputs/nations.csv
	$(BIN) solve outputs/demo-ask-inputs --out outputs/demo-ask --quiet --ask
	SECTIONS="ask:330 why:640" bash scripts/screenshots.sh outputs/demo-ask/report.html docs/img

check-inputs: build
	@for d in inputs/*/; do $(BIN) check $$d >/dev/null && echo "ok  $$d" || { echo "BAD $$d"; $(BIN) check $$d; exit 1; }; done

# Benchmarks: model size and times over a ladder of generated sizes and the coalition scenarios.
bench: build
	bash bench/run.sh

# Fuzzing campaign (docs/fuzzing.md): every target in turn, FUZZ_SECONDS each, one core.
# Needs the nightly toolchain and cargo-fuzz; `make test` does not (it replays fuzz/corpus and
# fuzz/regressions on stable). New inputs go to fuzz/corpus-work/, findings to fuzz/artifacts/.
FUZZ_SECONDS ?= 3600
FUZZ_TARGETS ?= csv_table scenario_toml scenario_mutated plan_readers

# The fuzz build links the HiGHS library of the stable build (fuzz/highs-sys-prebuilt).
fuzz-build: build
	@$(CARGO) +nightly fuzz --version >/dev/null 2>&1 || { echo "make fuzz needs the nightly toolchain and cargo-fuzz: rustup toolchain install nightly && cargo install cargo-fuzz"; exit 1; }
	cd fuzz && HIGHS_PREBUILT_OUT=$$(cd $$(dirname $$(ls ../target/release/build/highs-sys-*/out/lib/libhighs.a | head -1))/.. && pwd) \
	  $(CARGO) +nightly fuzz build -O

fuzz: fuzz-build
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus-work/$$t regressions/$$t && \
	  HIGHS_PREBUILT_OUT=$$(cd $$(dirname $$(ls ../target/release/build/highs-sys-*/out/lib/libhighs.a | head -1))/.. && pwd) \
	  $(CARGO) +nightly fuzz run -O $$t corpus-work/$$t corpus/$$t regressions/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
	    -print_final_stats=1 2>&1 | tee corpus-work/$$t.log | grep -E "^(#[0-9]+ +(INITED|DONE))|stat::|ERROR|SUMMARY" ; \
	done

clean:
	$(CARGO) clean
	rm -rf outputs/*/
