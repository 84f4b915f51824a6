#!/bin/sh
# Compile the harness with the sources it imports (src/version.js reads ../package.json, hence the copy), then run it.
set -e
out=node_modules/.cache/moa-bench-stream
npx tsc -p bench/stream/tsconfig.json
cp package.json "$out/package.json"
exec node "$out/bench/stream/run.js" "$@"
