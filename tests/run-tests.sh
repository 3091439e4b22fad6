#!/usr/bin/env bash
# Runs every test of ActorCluster: unit specs, TestKit specs and multi-process integration tests.
# This is the README's test command; .ci/run calls it. Prints the totals as the last line:
#   N passed, N failed[, N skipped]
set -uo pipefail
cd "$(dirname "$0")/.."
CONFIG="${CONFIG:-Release}"
RESULTS="$(mktemp -d)"
trap 'rm -rf "$RESULTS"' EXIT

dotnet build ActorCluster.sln -c "$CONFIG" -nologo -v q -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "== $name"
  dotnet test "$project" -c "$CONFIG" --no-build -nologo --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" "$@" 2>&1 | tee "$RESULTS/$name.log" \
    | awk '/^[[:space:]]+(Passed|Failed|Skipped) |^(Passed|Failed)!|error/ { print; next }
           /Error Message|Stack Trace/ { print; more = 8; next }
           more > 0 { print; more-- }' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

# Sum the per-assembly totals from the TRX files (the console summary format differs between SDKs), and name the
# failed tests once more just above the totals: CI keeps only the tail of this output.
python3 - "$RESULTS" > "$RESULTS/summary" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
failures = []
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    root = ET.parse(path).getroot()
    c = root.find(".//{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("total", 0)) - int(c.get("executed", 0))
    for r in root.iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult"):
        if r.get("outcome") in ("Failed", "Error", "Timeout"):
            m = r.find(".//{*}Message")
            first = (m.text or "").strip().splitlines()[0][:300] if m is not None and m.text and m.text.strip() else ""
            failures.append(f"  {r.get('testName')}: {first}")
print(p, f, s)
for line in failures: print(line)
PY
read -r passed failed skipped < <(head -n 1 "$RESULTS/summary")
if [ "$(wc -l < "$RESULTS/summary")" -gt 1 ]; then echo "== failed tests"; tail -n +2 "$RESULTS/summary"; fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
