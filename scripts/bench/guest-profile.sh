#!/usr/bin/env bash
# Profile the stat workload inside the fsstack guest (as root).
#
#   STATLOOP=... STACKFS=... [PERF=perf] guest-profile.sh RESULTS_DIR
#
# On native tmpfs, overlayfs (upper on tmpfs), stackfs --passthrough=all
# and stackfs --no-daemon over tmpfs: PROFILE_REPS interleaved timed runs
# of statloop (PROFILE_SECONDS each, PROFILE_NFILES files), then one run
# under "perf record -e cpu-clock -g" per filesystem.  Writes
# RESULTS_DIR/rates.jsonl (one line per run) and RESULTS_DIR/FS.perf.txt
# (perf report, self time by symbol, top of the list).
set -u -o pipefail
OUT=${1:?results dir}
NFILES=${PROFILE_NFILES:-2000}
SECS=${PROFILE_SECONDS:-2}
REPS=${PROFILE_REPS:-3}
FSLIST=${PROFILE_FS:-native overlay fuse-pt-all no-daemon}
PERF=${PERF:-perf}
BASE=/tmp/prof
mkdir -p "$OUT" "$BASE"
: >"$OUT/rates.jsonl"

mount_fs() {	# mount_fs FS: prints the directory to run in
	local fs=$1
	mkdir -p "$BASE/$fs" "$BASE/$fs-back"
	mount -t tmpfs -o mode=0755 tmpfs "$BASE/$fs-back" || return 1
	case $fs in
	native) echo "$BASE/$fs-back" ;;
	overlay)
		mkdir "$BASE/$fs-back/l" "$BASE/$fs-back/u" "$BASE/$fs-back/w"
		mount -t overlay overlay -o "lowerdir=$BASE/$fs-back/l,upperdir=$BASE/$fs-back/u,workdir=$BASE/$fs-back/w" "$BASE/$fs" || return 1
		echo "$BASE/$fs" ;;
	fuse-pt-all | no-daemon)
		local arg=--passthrough=all
		[ "$fs" = no-daemon ] && arg=--no-daemon
		"$STACKFS" $arg "$BASE/$fs-back" "$BASE/$fs" >"$OUT/$fs-stackfs.log" 2>&1 || return 1
		echo "$BASE/$fs" ;;
	esac
}

umount_fs() {
	umount "$BASE/$1" 2>/dev/null
	umount "$BASE/$1-back"
}

for rep in $(seq 1 "$REPS"); do
	for fs in $FSLIST; do
		dir=$(mount_fs "$fs") || { echo "profile: mounting $fs failed" >&2; continue; }
		line=$("$STATLOOP" "$dir" "$NFILES" "$SECS") || echo "profile: $fs failed" >&2
		echo "{\"fs\":\"$fs\",\"rep\":$rep,${line#\{}" >>"$OUT/rates.jsonl"
		umount_fs "$fs"
	done
done
for fs in $FSLIST; do
	dir=$(mount_fs "$fs") || continue
	# The files are made in the first second: the profile starts after it
	"$PERF" record -q -e cpu-clock -g -D 1000 -o "$BASE/$fs.data" -- \
		"$STATLOOP" "$dir" "$NFILES" $((SECS + 2)) >/dev/null 2>"$OUT/$fs.perf.err"
	"$PERF" report -q -i "$BASE/$fs.data" --no-children --stdio \
		--sort symbol -g none --percent-limit 0.7 >"$OUT/$fs.perf.txt" 2>>"$OUT/$fs.perf.err"
	"$PERF" report -q -i "$BASE/$fs.data" --children --stdio \
		--sort symbol -g none --percent-limit 2 >"$OUT/$fs.perf-children.txt" 2>>"$OUT/$fs.perf.err"
	"$PERF" report -q -i "$BASE/$fs.data" --children --stdio \
		--sort symbol -g caller,0.5,callee --percent-limit 5 >"$OUT/$fs.perf-graph.txt" 2>>"$OUT/$fs.perf.err"
	umount_fs "$fs"
done
