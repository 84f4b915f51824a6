#!/bin/sh
# Compile the suite with the sources it imports (src/version.js reads ../package.json, hence the copy), then run it.
# node_modules may be a symlink shared by several checkouts: each checkout compiles into its own directory.
set -e
out="node_modules/.cache/moa-bench-robustness-$(pwd | cksum | cut -d' ' -f1)"
npx tsc -p bench/robustness/tsconfig.json --outDir "$out"
cp package.json "$out/package.json"
exec node "$out/bench/robustness/run.js" "$@"
