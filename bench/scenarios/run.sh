#!/bin/sh
# Compile the harness with the sources it imports (src/version.js reads ../package.json, hence the copy), then run it.
# One compiled copy per checkout: checkouts that share node_modules must not overwrite each other's.
set -e
out="node_modules/.cache/moa-bench-scenarios-$(pwd | cksum | cut -d' ' -f1)"
npx tsc -p bench/scenarios/tsconfig.json --outDir "$out"
cp package.json "$out/package.json"
exec node "$out/bench/scenarios/run.js" "$@"
