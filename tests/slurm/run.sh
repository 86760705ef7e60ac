#!/bin/bash
# `make test-slurm`: the Slurm job array of docs/operations.md ("A Slurm job array") on a real,
# single-node Slurm that this script configures and starts in a temporary directory, and stops
# again at the end.
#
# It runs the three bash blocks of that section as written there (the batch script, the
# submission of the array and the merge, the requeue of a lost shard), so the doc and what is
# tested cannot drift apart. On the demo scenario with tests/slurm/variants.csv it:
#   1. submits the array (the doc's eight shards) and the merge with `afterany`;
#   2. cancels one shard with `scancel` while its first solve runs, then runs it again with the
#      doc's requeue commands while the merge still waits;
#   3. checks that the merge holds every variant exactly once, all solved, the cancelled shard's
#      variants included, and that the cancelled shard did run twice.
#
# Needs root, slurm-wlm and munge (the Makefile installs them), and target/release/rotaplan.
# Leaves nothing running and nothing outside its temporary directory, which it removes when the
# test passes (kept, with every log, when it fails: set KEEP=1 to keep it anyway).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DOC=$ROOT/docs/operations.md
BIN=$ROOT/target/release/rotaplan
# The shard cancelled and requeued: array index 0 is shard 1 of 8, which holds `base` (see below).
K=0
# Upper bounds on each wait, seconds; and the solver's time limit per variant (the demo's
# variants solve in seconds, but on a machine loaded by others a limit keeps the test bounded).
WAIT_UP=60
WAIT_BATCH=900
TIME_LIMIT=60

fail() {
	echo "test-slurm: FAIL: $*" >&2
	FAILED=1
	exit 1
}
say() { echo "test-slurm: $*" >&2; }

FAILED=0
[ "$(id -u)" = 0 ] || fail "needs root (it starts munged, slurmctld and slurmd)"
for c in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
	command -v "$c" >/dev/null 2>&1 || fail "\`$c\` not found: install slurm-wlm and munge (make test-slurm does)"
done
[ -x "$BIN" ] || fail "$BIN not found: cargo build --release"

# A job array run from inside another Slurm job must not see that job's variables.
for v in $(env | sed -n 's/^\(SLURM_[A-Z_]*\|SBATCH_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done

T=$(mktemp -d /tmp/rotaplan-slurm.XXXXXX) || fail "mktemp"
chmod 755 "$T" # munged checks that every directory above its socket is searchable
STARTED=$(date +%s)

cleanup() {
	if [ -n "${SLURM_CONF:-}" ] && [ -f "$T/slurmctld.pid" ]; then
		# Every job of this private cluster is ours: cancel them, then stop both daemons.
		scancel --quiet "--user=$(id -un)" 2>/dev/null
		scontrol shutdown >/dev/null 2>&1
	fi
	for f in slurmd.pid slurmctld.pid munge/munged.pid; do
		[ -f "$T/$f" ] || continue
		pid=$(cat "$T/$f")
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null; sleep 1; fi
	done
	if [ "$FAILED" = 0 ] && [ "${KEEP:-0}" = 0 ]; then
		rm -rf "$T"
	else
		say "logs and outputs kept in $T (slurmctld.log, slurmd.log, work/logs/, work/shared/)"
	fi
	say "took $(($(date +%s) - STARTED)) s"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

# ---- munge: a key of its own and a socket in $T ----------------------------------------------
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/work"
mungekey --create --keyfile="$T/munge/munge.key" || fail "mungekey"
munged --key-file="$T/munge/munge.key" --socket="$T/munge/munge.socket" \
	--pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" \
	--seed-file="$T/munge/munged.seed" || fail "munged did not start: $(cat "$T/munge/munged.log" 2>/dev/null)"

# ---- slurm.conf: this host, two free ports, no cgroups, no accounting ----------------------
free_port() { # the first port from $1 on that nothing listens on
	local p=$1
	while ss -Htln "sport = :$p" | grep -q .; do p=$((p + 1)); done
	echo "$p"
}
CTLD_PORT=$(free_port 6817)
SLURMD_PORT=$(free_port $((CTLD_PORT + 1)))
HOST=$(hostname -s)
MEM=$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024))
# The node is declared with 16 CPUs and at least 32 GB (config_overrides: slurmd does not drain a
# node smaller than declared) so that two of the doc's shards (--cpus-per-task=8 --mem=16G) run at
# once, unchanged; their solves share the machine's real cores. Memory is not a consumable
# resource here (CR_Core), so --mem only has to fit the node.
[ "$MEM" -ge 32768 ] || MEM=32768
export SLURM_CONF=$T/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=rotaplan-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=16 RealMemory=$MEM State=UNKNOWN
PartitionName=rotaplan Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -5 "$T/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -5 "$T/slurmd.log" 2>/dev/null)"
deadline=$(($(date +%s) + WAIT_UP))
until [ "$(sinfo -h -n "$HOST" -o %T 2>/dev/null)" = idle ]; do
	[ "$(date +%s)" -lt "$deadline" ] || fail "node $HOST not idle after ${WAIT_UP} s: $(sinfo -h -N -o '%N %T %E' 2>&1)"
	sleep 0.5
done
say "slurm up in $(($(date +%s) - STARTED)) s: $(sinfo -h -N -o '%N %T %c CPUs')"

# ---- the doc's three blocks ----------------------------------------------------------------
# The ```bash blocks of the section "#### A Slurm job array", in order.
block() {
	awk -v want="$1" '
		/^#### / { in_sec = ($0 == "#### A Slurm job array") }
		in_sec && /^```bash$/ { n++; inb = 1; next }
		inb && /^```$/ { inb = 0; next }
		inb && n == want { print }
	' "$DOC"
}
cd "$T/work" || fail "cd"
block 1 >batch.sbatch
block 2 >submit.sh
block 3 >requeue.sh
[ "$(block 4 | wc -l)" = 0 ] || fail "the Slurm section of docs/operations.md has more than three bash blocks: which one is run?"
head -1 batch.sbatch | grep -qx '#!/bin/bash' || fail "first bash block of the Slurm section is not the batch script"
grep -q 'sbatch --parsable batch.sbatch' submit.sh || fail "second block does not submit batch.sbatch"
grep -q 'scontrol requeue' requeue.sh || fail "third block does not requeue a shard"

mkdir -p bin
ln -s "$BIN" bin/rotaplan
export PATH=$T/work/bin:$PATH
export BATCH_SCENARIO=$ROOT/inputs/demo
export BATCH_VARIANTS=$ROOT/tests/slurm/variants.csv
export BATCH_ROOT=$T/work/shared
export BATCH_TIME_LIMIT=$TIME_LIMIT
mkdir -p "$BATCH_ROOT"

jid='' mid=''
# shellcheck disable=SC1091
. ./submit.sh || fail "the doc's submission failed"
[[ "$jid" =~ ^[0-9]+$ && "$mid" =~ ^[0-9]+$ ]] || fail "no job ids from the submission (jid=$jid mid=$mid)"
OUT=$BATCH_ROOT/batch-$jid
LOG=logs/rotaplan-batch-${jid}_${K}.log

# ---- cancel shard K while its first solve runs ---------------------------------------------
# The shard's log holds `batch: 2 variant(s) (shard 1/8), …` once rotaplan has started its
# solves. Shard 1 holds withdraw-GBR, whose solve takes about 5 s of CPU (base: about 1 s), so a
# cancel a second later lands mid-run even on an idle machine.
deadline=$(($(date +%s) + WAIT_BATCH))
until grep -q '^batch: [0-9]* variant(s) (shard ' "$LOG" 2>/dev/null; do
	[ "$(date +%s)" -lt "$deadline" ] || fail "shard ${jid}_$K did not start: $(squeue -h 2>&1)"
	sleep 0.2
done
sleep 1
grep -q ' done in ' "$LOG" && fail "shard ${jid}_$K ended before the cancel (solves faster than a second?): $(cat "$LOG")"
scancel "${jid}_$K" || fail "scancel ${jid}_$K"
say "cancelled ${jid}_$K mid-run"
until [ -z "$(squeue -h -j "${jid}_$K" -t RUNNING,COMPLETING -o %i 2>/dev/null)" ]; do
	[ "$(date +%s)" -lt "$deadline" ] || fail "shard ${jid}_$K still running after the cancel"
	sleep 0.2
done
state=$(squeue -h -j "$mid" -o %T 2>/dev/null)
[ "$state" = PENDING ] || fail "the merge is ${state:-gone} before the requeue: the other shards ended too soon to test waiting on a requeued shard"

# ---- run it again with the doc's commands -----------------------------------------------------
k=$K
# shellcheck disable=SC1091
. ./requeue.sh || fail "the doc's requeue commands failed"
say "requeued ${jid}_$K; waiting for the merge (job $mid)"

until [ -z "$(squeue -h -j "$mid" -o %i 2>/dev/null)" ]; do
	[ "$(date +%s)" -lt "$deadline" ] || fail "the merge did not end within ${WAIT_BATCH} s: $(squeue -h 2>&1)"
	sleep 1
done
job_field() { scontrol -o show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
state=$(job_field "$mid" JobState)
code=$(job_field "$mid" ExitCode)
[ "$state" = COMPLETED ] && [ "$code" = 0:0 ] || fail "merge job $mid: $state, exit $code: $(cat logs/merge-"$mid".log)"

# ---- what the merge holds ------------------------------------------------------------------
SUMMARY=$OUT/batch_summary.csv
[ -f "$SUMMARY" ] || fail "no $SUMMARY"
col() { # the values of column $1 of the summary, one per line, in file order
	awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$SUMMARY"
}
# Every variant once, in name order: base, the four of variants.csv and the five nations of the
# demo withdrawn (--each-nation-withdraws), sorted byte-wise.
expected='base frigate-pool-2 long-tours no-deu-air rail-down
withdraw-CAN withdraw-DEU withdraw-FRA withdraw-GBR withdraw-POL'
[ "$(col variant | tr '\n' ' ')" = "$(echo $expected) " ] ||
	fail "the merge's variants are not each variant once: $(col variant | tr '\n' ' ')"
bad=$(paste -d' ' <(col variant) <(col status) | grep -vE ' (optimal|feasible)$')
[ -z "$bad" ] || fail "variants not solved: $bad"
# Sorted names numbered from 0, shard I holds numbers ≡ I-1 (mod 8): shard 1 (array index 0)
# holds number 0 (base) and number 8 (withdraw-GBR). Both were cancelled and solved on the rerun.
for v in base withdraw-GBR; do
	[ -f "$OUT/$v/plan/summary.json" ] || fail "no plan for $v, a variant of the requeued shard"
done
S1=$OUT/batch_summary.shard-1-of-8.csv
[ "$(cut -d, -f1 "$S1" | tail -n +2 | tr '\n' ' ')" = "base withdraw-GBR " ] ||
	fail "shard 1 holds $(cut -d, -f1 "$S1" | tail -n +2 | tr '\n' ' ')"
[ "$(cut -d, -f2 "$S1" | tail -n +2 | grep -cE '^(optimal|feasible)$')" = 2 ] ||
	fail "the rerun of shard 1 did not replace its interrupted summary: $(cat "$S1")"
for i in 1 2 3 4 5 6 7 8; do
	[ -f "$OUT/batch_summary.shard-$i-of-8.csv" ] || fail "no summary of shard $i of 8"
done
# objective_vs_base is recomputed by the merge against the rerun's base: objective − base's.
base_obj=$(paste -d' ' <(col variant) <(col objective) | awk '$1 == "base" { print $2 }')
off=$(paste -d' ' <(col variant) <(col objective) <(col objective_vs_base) |
	awk -v b="$base_obj" '{ d = $2 - b - $3; if (d < -0.0015 || d > 0.0015) print $1 }')
[ -z "$off" ] || fail "objective_vs_base is not objective − base's for: $off"
# The cancelled run's temporary plan directories and summary files are gone (cleared by the rerun).
left=$(find "$OUT" -name '.*.tmp-*' -o -name '.*.old-*' | head -5)
[ -z "$left" ] || fail "leftovers of the cancelled run: $left"
# The cancelled shard ran twice (one log, --open-mode=append) and only its second run finished.
starts=$(grep -c '^batch: [0-9]* variant(s) (shard ' "$LOG")
dones=$(grep -c ' done in .* 0 failed' "$LOG")
[ "$starts" = 2 ] && [ "$dones" = 1 ] ||
	fail "shard ${jid}_$K: $starts start(s) and $dones clean end(s) in its log, expected 2 and 1: $(cat "$LOG")"

say "ok: 10 variants in 8 shards, shard ${jid}_$K cancelled mid-run and requeued, merged once each"
echo "test-slurm: 1 passed, 0 failed"
