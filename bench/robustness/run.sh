#!/bin/sh
# Compile the suite with the sources it imports (src/version.js reads ../package.json, hence the copy), then run it.
set -e
out=node_modules/.cache/moa-bench-robustness
npx tsc -p bench/robustness/tsconfig.json
cp package.json "$out/package.json"
exec node "$out/bench/robustness/run.js" "$@"
