# fsstack: a stacking library for Linux, FUSE passthrough for all operations,
# fuse-bpf on top.  See README.md.
#
#   make             install what is missing, assemble build/linux, build the
#                    debug kernel, boot it and run the demo
#   make check       static checks + KUnit + selftests in the guest
#   make bench       perf kernel, fio + metadata benchmark, table and plot
#   make compare     after make check: the same selftests and libfuse suite
#                    on plain 7.3, every result compared
#   make refresh     write build/linux's commits back to patches/ and files
#   make assemble    rebuild build/linux from the repository (FORCE=1 to
#                    discard unrefreshed work there)
#   make mail        the series as mail in build/mail/stageN/, cover letters
#                    included, signed off with your git identity
# STAGE=1|2|3 limits the series to its first stages (default: all).

STAGE ?= 3
export STAGE FORCE

.PHONY: all demo check bench compare deps assemble refresh mail kernel kernel-perf clean

all: demo

deps:
	scripts/deps

assemble: deps
	python3 scripts/series.py assemble --stage $(STAGE) $(if $(FORCE),--force)

refresh:
	python3 scripts/series.py refresh

mail: assemble
	python3 scripts/mail

kernel: assemble
	scripts/kbuild debug

kernel-perf: assemble
	scripts/kbuild perf

demo: kernel
	scripts/demo

check:
	scripts/check

bench: kernel-perf
	scripts/run-bench

compare: deps
	scripts/compare-base

clean:
	rm -rf build/obj-* build/run build/selftests build/hdr build/bench
