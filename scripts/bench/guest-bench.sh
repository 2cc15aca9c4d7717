#!/usr/bin/env bash
# Benchmarks to run inside the fsstack guest (as root).
#
#   METABENCH=/path/metabench STACKFS=/path/stackfs guest-bench.sh RESULTS_DIR
#
# For each filesystem
#   native   a tmpfs at $BASE/native (the guest's only writable local
#            filesystem is RAM-backed; the anchors were measured on tmpfs too)
#   overlay  overlayfs at $BASE/ovl, lower, upper and work on one tmpfs
#   fuse     $STACKFS BACKING MNT over a tmpfs backing dir, no passthrough
#   fuse-pt  $STACKFS --passthrough BACKING MNT
#   fuse-pt-tuned  $STACKFS --passthrough --killpriv-v2 with 86400 s entry
#            and attribute timeouts: the strongest configuration of 7.3's
#            read/write passthrough (FUSE_HANDLE_KILLPRIV_V2 removes the
#            GETXATTR of security.capability before each write)
#   fuse-pt-all  $STACKFS --passthrough=all BACKING MNT: everything beneath
#            the root done by the kernel, lookups, creation and opens
#            included (stage 2); an error on kernels without it
#   no-daemon  $STACKFS --no-daemon BACKING MNT: the same mirror with no
#            server at all (mount option backing_dir=); an error on
#            kernels without it
#   hp       libfuse's example/passthrough_hp --nopassthrough BACKING MNT:
#            libfuse's own high-performance server answering every request
#            (with its defaults: 86400 s entry/attr timeouts and, without
#            passthrough, the writeback cache)
#   hp-pt    passthrough_hp BACKING MNT: its default, read/write passthrough
#            (FUSE_CAP_PASSTHROUGH, one shared backing file per inode); the
#            row is an error, not a silent hp run, when the kernel does not
#            offer the capability or the server reports it fell back
# it runs fio seqread, seqwrite (bs=1M; MB/s) and randread, randwrite
# (bs=4k; IOPS), single job, psync, time based, on one file laid out before
# any timed job, then metabench MNT $BENCH_NFILES.  The whole list of
# filesystems runs BENCH_REPS times, interleaved (rep 1 of every
# filesystem, then rep 2, ...), so a slow phase of the emulator hits every
# row alike.  Every result or error is one JSON line in RESULTS_DIR/raw.jsonl:
#   {"fs":"fuse-pt","workload":"randwrite","rep":1,"value":1234.5,"unit":"IOPS"}
#   {"fs":"fuse","workload":"mount","rep":2,"error":"..."}
# A filesystem that does not mount or a job that fails is recorded and the
# run goes on.  fio's JSON and every tool's stderr are kept in
# RESULTS_DIR/logs/repN/.
#
# Environment:
#   METABENCH       metabench binary (required for the metadata workloads)
#   STACKFS         stackfs binary (required for fuse and fuse-pt); it forks
#                   and returns once mounted
#   PASSTHROUGH_HP  libfuse's example/passthrough_hp (required for hp and
#                   hp-pt); run in the foreground, in the background, until
#                   the mount is torn down
#   PRINTCAP        libfuse's example/printcap (required for hp-pt: asks the
#                   kernel whether it offers FUSE_CAP_PASSTHROUGH)
#   BENCH_SIZE      fio file size (128M)
#   BENCH_RUNTIME   seconds per fio job (3)
#   BENCH_NFILES    metabench file count (10000)
#   BENCH_REPS      interleaved repetitions of the whole list (3)
#   BENCH_FS        filesystems to run, space-separated
#                   ("native overlay fuse fuse-pt fuse-pt-tuned fuse-pt-all no-daemon hp hp-pt")
#   BENCH_BASE      where mounts go (/tmp/bench)
#   BENCH_TIMEOUT   seconds before one tool run is killed (300)
#   FIO             fio binary (/usr/bin/fio, else fio from PATH)
set -u -o pipefail

if [ $# -ne 1 ]; then
	echo "usage: METABENCH=... STACKFS=... $0 RESULTS_DIR" >&2
	exit 2
fi

RESULTS=$1
SIZE=${BENCH_SIZE:-128M}
RUNTIME=${BENCH_RUNTIME:-3}
NFILES=${BENCH_NFILES:-10000}
REPS=${BENCH_REPS:-3}
FSLIST=${BENCH_FS:-native overlay fuse fuse-pt fuse-pt-tuned fuse-pt-all no-daemon hp hp-pt}
BASE=${BENCH_BASE:-/tmp/bench}
TMO=${BENCH_TIMEOUT:-300}
METABENCH=${METABENCH:-}
STACKFS=${STACKFS:-}
PASSTHROUGH_HP=${PASSTHROUGH_HP:-}
PRINTCAP=${PRINTCAP:-}
if [ -z "${FIO:-}" ]; then
	if [ -x /usr/bin/fio ]; then FIO=/usr/bin/fio; else FIO=fio; fi
fi

FIO_JOBS="seqread seqwrite randread randwrite"
META_JOBS="create stat readdir unlink"

case $REPS in
'' | *[!0-9]* | 0) echo "BENCH_REPS must be a positive integer, not '$REPS'" >&2; exit 2 ;;
esac
mkdir -p "$RESULTS/logs" || exit 1
RAW=$RESULTS/raw.jsonl
: >"$RAW" || exit 1
# Set per repetition by the main loop.
REP=0
LOGS=$RESULTS/logs

log() { echo "guest-bench: $*" >&2; }

# emit_error FS WORKLOAD MESSAGE: one error record in raw.jsonl.
emit_error() {
	log "rep $REP $1 $2: ERROR: $3"
	python3 -c 'import json, sys
print(json.dumps({"fs": sys.argv[1], "workload": sys.argv[2],
                  "rep": int(sys.argv[4]), "error": sys.argv[3]}))' \
		"$1" "$2" "$3" "$REP" >>"$RAW"
}

# emit_value FS WORKLOAD VALUE UNIT [EXTRA_JSON_OBJECT]
emit_value() {
	log "rep $REP $1 $2: $3 $4"
	python3 -c 'import json, sys
r = {"fs": sys.argv[2], "workload": sys.argv[3], "rep": int(sys.argv[1]),
     "value": float(sys.argv[4]), "unit": sys.argv[5]}
if len(sys.argv) > 6:
    r.update(json.loads(sys.argv[6]))
print(json.dumps(r))' "$REP" "$@" >>"$RAW"
}

# Last line of a log file, for error messages.
tail_of() { [ -s "$1" ] && tail -n 1 "$1" | cut -c1-300; }

is_mounted() {
	awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/mounts
}

# Mounts made for the current filesystem, innermost last; torn down in
# reverse order.  DAEMONS: servers started in the background for it, which
# exit once their mount is gone (killed if they do not).
MOUNTS=()
DAEMONS=()

do_mount() {	# do_mount MNT mount-args...
	local mnt=$1
	shift
	mkdir -p "$mnt" || return 1
	mount "$@" "$mnt" || return 1
	MOUNTS+=("$mnt")
}

teardown() {
	local i mnt
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		mnt=${MOUNTS[i]}
		is_mounted "$mnt" || continue
		if ! umount "$mnt" 2>/dev/null; then
			log "umount $mnt failed, detaching lazily"
			umount -l "$mnt" || log "umount -l $mnt failed too"
		fi
	done
	MOUNTS=()
	local pid
	for pid in ${DAEMONS[@]+"${DAEMONS[@]}"}; do
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "server $pid still running after its umount, killing it"
			kill "$pid" 2>/dev/null
			sleep 1
			kill -9 "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	DAEMONS=()
}
trap teardown EXIT
trap 'teardown; exit 130' INT TERM

# setup FS: mount FS; sets MNT.  On failure returns 1 with ERR set.
setup() {
	local fs=$1 back
	ERR=
	case $fs in
	native)
		MNT=$BASE/native
		do_mount "$MNT" -t tmpfs -o mode=0755 tmpfs ||
			{ ERR="mounting tmpfs on $MNT failed"; return 1; }
		;;
	overlay)
		MNT=$BASE/ovl
		back=$BASE/ovl-back
		do_mount "$back" -t tmpfs -o mode=0755 tmpfs ||
			{ ERR="mounting tmpfs on $back failed"; return 1; }
		mkdir -p "$back/lower" "$back/upper" "$back/work" ||
			{ ERR="mkdir in $back failed"; return 1; }
		do_mount "$MNT" -t overlay overlay \
			-o "lowerdir=$back/lower,upperdir=$back/upper,workdir=$back/work" ||
			{ ERR="mounting overlay on $MNT failed"; return 1; }
		;;
	fuse | fuse-pt | fuse-pt-tuned | fuse-pt-all | no-daemon)
		MNT=$BASE/$fs
		back=$BASE/$fs-back
		if [ -z "$STACKFS" ]; then
			ERR="stackfs missing: STACKFS is not set"
			return 1
		fi
		if [ ! -x "$STACKFS" ]; then
			ERR="stackfs missing: $STACKFS is not an executable"
			return 1
		fi
		do_mount "$back" -t tmpfs -o mode=0755 tmpfs ||
			{ ERR="mounting tmpfs on $back failed"; return 1; }
		mkdir -p "$MNT" || { ERR="mkdir $MNT failed"; return 1; }
		local args=()
		[ "$fs" = fuse-pt ] && args=(--passthrough)
		[ "$fs" = fuse-pt-tuned ] && args=(--passthrough --killpriv-v2
			--attr-timeout=86400 --entry-timeout=86400)
		[ "$fs" = fuse-pt-all ] && args=(--passthrough=all)
		[ "$fs" = no-daemon ] && args=(--no-daemon)
		# Recorded before the attempt so teardown also catches a mount
		# that appears late.
		MOUNTS+=("$MNT")
		local rc=0
		timeout 30 "$STACKFS" ${args[@]+"${args[@]}"} "$back" "$MNT" \
			>"$LOGS/$fs-stackfs.log" 2>&1 || rc=$?
		if [ $rc -ne 0 ]; then
			ERR="$STACKFS ${args[*]-}${args[*]+ }$back $MNT exited with $rc: $(tail_of "$LOGS/$fs-stackfs.log")"
			return 1
		fi
		# stackfs returns once mounted; allow a moment anyway.
		local i
		for ((i = 0; i < 50; i++)); do
			is_mounted "$MNT" && break
			sleep 0.1
		done
		if ! is_mounted "$MNT"; then
			ERR="stackfs returned but $MNT is not mounted"
			return 1
		fi
		;;
	hp | hp-pt)
		MNT=$BASE/$fs
		back=$BASE/$fs-back
		if [ -z "$PASSTHROUGH_HP" ] || [ ! -x "$PASSTHROUGH_HP" ]; then
			ERR="passthrough_hp missing: PASSTHROUGH_HP='$PASSTHROUGH_HP' is not an executable"
			return 1
		fi
		local args=(--foreground)
		if [ "$fs" = hp ]; then
			args+=(--nopassthrough)
		else
			# passthrough_hp turns passthrough off without a word
			# when the kernel does not offer it: ask first.
			if [ -z "$PRINTCAP" ] || [ ! -x "$PRINTCAP" ]; then
				ERR="printcap missing: PRINTCAP='$PRINTCAP' is not an executable"
				return 1
			fi
			timeout 60 "$PRINTCAP" >"$LOGS/$fs-printcap.log" 2>&1 ||
				{ ERR="printcap failed: $(tail_of "$LOGS/$fs-printcap.log")"; return 1; }
			if ! grep -qw FUSE_CAP_PASSTHROUGH "$LOGS/$fs-printcap.log"; then
				ERR="the kernel does not offer FUSE_CAP_PASSTHROUGH (printcap)"
				return 1
			fi
		fi
		do_mount "$back" -t tmpfs -o mode=0755 tmpfs ||
			{ ERR="mounting tmpfs on $back failed"; return 1; }
		mkdir -p "$MNT" || { ERR="mkdir $MNT failed"; return 1; }
		MOUNTS+=("$MNT")
		# passthrough_hp keeps a descriptor per inode it knows and only
		# raises its soft limit to the hard one; metabench's 10,000
		# files need more than the guest's default hard limit.
		(ulimit -Hn 1048576 && ulimit -Sn 1048576 &&
			exec "$PASSTHROUGH_HP" "${args[@]}" "$back" "$MNT") \
			>"$LOGS/$fs-passthrough_hp.log" 2>&1 &
		local pid=$! i
		DAEMONS+=("$pid")
		# In the foreground it never returns: wait for the mount (30 s:
		# the guest is emulated), or for it to die.
		for ((i = 0; i < 300; i++)); do
			is_mounted "$MNT" && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if ! is_mounted "$MNT"; then
			if kill -0 "$pid" 2>/dev/null; then
				ERR="passthrough_hp ${args[*]} $back $MNT did not mount in 30 s: $(tail_of "$LOGS/$fs-passthrough_hp.log")"
			else
				wait "$pid"
				ERR="passthrough_hp ${args[*]} $back $MNT exited with $?: $(tail_of "$LOGS/$fs-passthrough_hp.log")"
			fi
			return 1
		fi
		;;
	*)
		ERR="unknown filesystem '$fs'"
		return 1
		;;
	esac
	return 0
}

# check_ready FS: after the file is laid out (created and opened through
# the filesystem), whatever must hold for FS's figures to mean what its row
# says.  On failure returns 1 with ERR set.
check_ready() {
	ERR=
	case $1 in
	hp-pt)
		# Printed when FUSE_DEV_IOC_BACKING_OPEN fails on an open;
		# the server then serves read/write itself.
		if grep -q 'disabling rw passthrough' "$LOGS/$1-passthrough_hp.log"; then
			ERR="passthrough_hp fell back from passthrough: $(grep -m1 'disabling rw passthrough' "$LOGS/$1-passthrough_hp.log" | cut -c1-200)"
			return 1
		fi
		;;
	esac
	return 0
}

# run_fio FS FILE JOB: one timed fio job, recorded.
run_fio() {
	local fs=$1 file=$2 job=$3 rw bs what unit out err rc val
	case $job in
	seqread) rw=read bs=1M what=bw unit=MB/s ;;
	seqwrite) rw=write bs=1M what=bw unit=MB/s ;;
	randread) rw=randread bs=4k what=iops unit=IOPS ;;
	randwrite) rw=randwrite bs=4k what=iops unit=IOPS ;;
	esac
	out=$LOGS/$fs-$job.json
	err=$LOGS/$fs-$job.stderr
	# overwrite=1: the writes go over the laid-out file instead of
	# re-creating it, so every job sees the same file.
	timeout "$TMO" "$FIO" --name="$job" --filename="$file" --rw="$rw" \
		--bs="$bs" --ioengine=psync --size="$SIZE" --runtime="$RUNTIME" \
		--time_based --numjobs=1 --overwrite=1 --output-format=json \
		--output="$out" >/dev/null 2>"$err"
	rc=$?
	if [ $rc -ne 0 ]; then
		emit_error "$fs" "$job" "fio exited with $rc: $(tail_of "$err")"
		return
	fi
	if ! val=$(python3 -c 'import json, sys
with open(sys.argv[1]) as f:
    text = f.read()
# Anything fio printed before the JSON object is not part of it.
d = json.loads(text[text.index("{"):])
j = d["jobs"][0]
if j.get("error"):
    sys.exit("fio job error %s" % j["error"])
side = j["read" if sys.argv[2] in ("read", "randread") else "write"]
if sys.argv[3] == "bw":
    v = side["bw_bytes"] / 1e6
else:
    v = side["iops"]
if not v > 0:
    sys.exit("fio reported %r" % v)
print("%.3f" % v)' "$out" "$rw" "$what" 2>&1); then
		emit_error "$fs" "$job" "parsing fio output: $(echo "$val" | tail -n 1)"
		return
	fi
	emit_value "$fs" "$job" "$val" "$unit"
}

# run_metabench FS DIR
run_metabench() {
	local fs=$1 dir=$2 out=$LOGS/$1-metabench.jsonl err=$LOGS/$1-metabench.stderr
	local rc w line got val unit extra
	if [ -z "$METABENCH" ] || [ ! -x "$METABENCH" ]; then
		for w in $META_JOBS; do
			emit_error "$fs" "$w" "metabench missing: METABENCH='$METABENCH' is not an executable"
		done
		return
	fi
	timeout "$TMO" "$METABENCH" "$dir" "$NFILES" >"$out" 2>"$err"
	rc=$?
	for w in $META_JOBS; do
		line=$(grep -F "\"workload\":\"$w\"" "$out" | tail -n 1)
		if [ -z "$line" ]; then
			if [ $rc -ne 0 ]; then
				emit_error "$fs" "$w" "metabench exited with $rc: $(tail_of "$err")"
			else
				emit_error "$fs" "$w" "metabench printed no $w result"
			fi
			continue
		fi
		if ! got=$(python3 -c 'import json, sys
r = json.loads(sys.argv[1])
print(float(r["value"]), r["unit"],
      json.dumps({"n": int(r["n"]), "seconds": float(r["seconds"])}))' \
			"$line" 2>&1); then
			emit_error "$fs" "$w" "bad metabench line: $line"
			continue
		fi
		# value, unit, then the rest of the line: {"n": .., "seconds": ..}
		read -r val unit extra <<<"$got"
		emit_value "$fs" "$w" "$val" "$unit" "$extra"
	done
}

bench_fs() {
	local fs=$1 file job sz rc
	log "=== $fs"
	if ! setup "$fs"; then
		emit_error "$fs" mount "$ERR"
		teardown
		return
	fi
	file=$MNT/fio.dat
	# Lay the file out (fio writes it in full) before any timed job, so
	# the read jobs find it in place and no job pays for the layout.
	rc=0
	timeout "$TMO" "$FIO" --name=layout --filename="$file" --rw=read \
		--bs=1M --ioengine=psync --size="$SIZE" --create_only=1 \
		>"$LOGS/$fs-layout.log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		for job in $FIO_JOBS; do
			emit_error "$fs" "$job" "fio layout exited with $rc: $(tail_of "$LOGS/$fs-layout.log")"
		done
	elif ! sz=$(stat -c %s "$file" 2>&1) || [ "$sz" -le 0 ]; then
		for job in $FIO_JOBS; do
			emit_error "$fs" "$job" "fio layout left no file: $sz"
		done
	elif ! check_ready "$fs"; then
		for job in $FIO_JOBS; do
			emit_error "$fs" "$job" "$ERR"
		done
	else
		for job in $FIO_JOBS; do
			run_fio "$fs" "$file" "$job"
		done
	fi
	rm -f "$file"
	run_metabench "$fs" "$MNT"
	teardown
}

log "size=$SIZE runtime=${RUNTIME}s nfiles=$NFILES reps=$REPS fs=($FSLIST) -> $RAW"
if ! command -v "$FIO" >/dev/null 2>&1; then
	log "fio not found ($FIO)"
fi
# One line describing the run; report.py skips lines without "fs".
python3 -c 'import json, sys
print(json.dumps({"meta": {"kernel": sys.argv[1], "fio": sys.argv[2],
                           "size": sys.argv[3], "runtime": sys.argv[4],
                           "nfiles": sys.argv[5], "reps": sys.argv[6]}}))' \
	"$(uname -r)" "$("$FIO" --version 2>/dev/null | head -n 1)" \
	"$SIZE" "$RUNTIME" "$NFILES" "$REPS" >>"$RAW"
for ((REP = 1; REP <= REPS; REP++)); do
	LOGS=$RESULTS/logs/rep$REP
	mkdir -p "$LOGS" || exit 1
	log "=== repetition $REP of $REPS"
	for fs in $FSLIST; do
		bench_fs "$fs"
	done
done
log "done: $(grep -c '"value"' "$RAW") results, $(grep -c '"error"' "$RAW") errors"
exit 0
