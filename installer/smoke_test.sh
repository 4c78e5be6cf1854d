#!/usr/bin/env bash
# Smoke test of a frozen QMS Desk: the bundle's own program, not the virtual environment.
# Usage: installer/smoke_test.sh PATH/TO/qmsdesk
# Creates a demo database, writes every report and an auditor pack, exports a register and
# imports it again, verifies the database, checks the PostgreSQL driver is there, and starts
# the GUI offscreen (and on X11 under xvfb-run, when installed) until it closes itself.
# Fails on a non-zero exit or any traceback.
set -euo pipefail
app=${1:?usage: smoke_test.sh PATH/TO/qmsdesk}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log.txt"
run() { "$app" --data-dir "$work/data" "$@" >>"$log" 2>&1 || { cat "$log"; exit 1; }; }
today=$(date +%F)
run --version
run demo --db "$work/demo.db"
for kind in parties objectives suppliers; do
    run report "$kind" --db "$work/demo.db" --out "$work/$kind.pdf"
done
run report management-review --from "${today:0:4}-01-01" --to "$today" --db "$work/demo.db" \
    --out "$work/management-review.pdf"
run auditor-pack --from "${today:0:4}-01-01" --to "$today" --db "$work/demo.db" \
    --out "$work/pack.zip"
run export parties --db "$work/demo.db" --out "$work/parties.xlsx"
run import parties "$work/parties.xlsx" --db "$work/demo.db"  # the workbook reader is there
run verify --db "$work/demo.db"
# matplotlib's font cache is kept in the data folder, not rebuilt at every launch.
ls "$work"/data/cache/matplotlib/fontlist-*.json >/dev/null || { echo "no font cache"; exit 1; }
# The PostgreSQL driver is bundled: a server that is not there is a connection error.
if "$app" --data-dir "$work/data" --database-url "postgresql+psycopg://smoke@127.0.0.1:1/qms" \
        verify >"$work/pg.txt" 2>&1 || ! grep -q "Cannot connect to postgresql" "$work/pg.txt"; then
    cat "$work/pg.txt"; exit 1
fi
QT_QPA_PLATFORM=offscreen QMSDESK_QUIT_AFTER_MS=4000 run --db "$work/demo.db"
if command -v xvfb-run >/dev/null; then  # the X11 plugin and the system libraries it loads
    QT_QPA_PLATFORM=xcb QMSDESK_QUIT_AFTER_MS=4000 xvfb-run -a -s "-screen 0 1400x900x24" \
        "$app" --data-dir "$work/data" --db "$work/demo.db" >>"$log" 2>&1 || { cat "$log"; exit 1; }
fi
if grep -q "Traceback" "$log"; then cat "$log"; exit 1; fi
echo "smoke test passed: $app"
