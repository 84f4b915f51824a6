/**
 * The YAML against the real CLI: the argument lists of the Argo WorkflowTemplate and the KFP v1 component are
 * resolved the way Argo / KFP would (parameters substituted, isPresent branches taken) and run with `node
 * dist/cli.js` on the demo data; the output files the YAML collects must then exist. Also: the default config
 * in the ConfigMap is a valid config. Skipped, with the reason printed, while the CLI does not offer a flag the
 * YAML passes, or when dist/ is not built (that one is a failure with CI=true).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema } from '../../src/schema/config.js';
import { OUTPUT_PARAMS } from './contract.js';
import { REPO_ROOT } from './schemas.js';
import { readYamlDocs } from './yaml.js';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// MOA_CLI: run against another build of the CLI (e.g. a branch's dist) instead of this repo's dist/.
const CLI = process.env.MOA_CLI ?? path.join(REPO_ROOT, 'dist/cli.js');
const wt = readYamlDocs(path.join(REPO_ROOT, 'pipeline/argo/moa-analyze.workflowtemplate.yaml'))[0]!.doc as Doc;
const analyze = wt.spec.templates[0] as Doc;
const v1 = readYamlDocs(path.join(REPO_ROOT, 'pipeline/kfp/component.yaml'))[0]!.doc as Doc;
const configMap = readYamlDocs(path.join(REPO_ROOT, 'k8s/base/configmap.yaml'))[0]!.doc as Doc;

it('the ConfigMap default config, with the flags the template always passes, is a valid step config', () => {
  const fromFile = parseYaml(configMap.data['config.yaml'] as string) as Record<string, unknown>;
  const parsed = ConfigSchema.safeParse({ ...fromFile, reference: 's3://b/ref/', operational: 's3://b/op/', out: '/tmp/moa/out' });
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
});

function flagsIn(args: unknown[]): string[] {
  return [...JSON.stringify(args).matchAll(/"--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
}

const runHelp = existsSync(CLI) ? execFileSync(process.execPath, [CLI, 'run', '--help'], { encoding: 'utf8' }) : '';
const offered = new Set([...runHelp.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
const needed = [...new Set([...flagsIn(analyze.container.args), ...flagsIn(v1.implementation.container.args)])];
const missing = needed.filter((f) => !offered.has(f));
let skipReason: string | undefined;
if (!existsSync(CLI)) {
  skipReason = 'dist/cli.js is not built (npm run build)';
  if (process.env.CI === 'true') throw new Error(`CLI contract test cannot run with CI=true: ${skipReason}`);
} else if (missing.length) {
  // A gap between the YAML and the CLI being built (issue H report), not a broken environment: skip, loudly.
  skipReason = `\`moa run\` does not offer ${missing.map((f) => `--${f}`).join(', ')} yet, which the YAML passes`;
}
if (skipReason) console.log(`SKIPPED YAML-against-CLI test: ${skipReason}`);
const describeCli = skipReason ? describe.skip : describe;

function runCli(args: string[]): { status: number | null; stderr: string } {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('KUBERNETES_') || k.startsWith('AWS_')) delete env[k];
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { status: r.status, stderr: r.stderr };
}

describeCli('YAML argument lists run with the real CLI', () => {
  let work: string;
  let data: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'moa-contract-'));
    const demo = runCli(['demo', '--dir', path.join(work, 'demo')]);
    expect(demo.status).toBe(0);
    data = path.join(work, 'demo/data');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('Argo moa-analyze: parameters substituted, optional ones empty, alert given; outputs where the template collects them', () => {
    const dir = path.join(work, 'argo');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.yaml'), configMap.data['config.yaml']);
    const values: Record<string, string> = Object.fromEntries((analyze.inputs.parameters as Doc[]).map((p) => [p.name, p.default]));
    Object.assign(values, {
      reference: path.join(data, 'reference.parquet'),
      operational: path.join(data, 'operational.parquet'),
      out: path.join(dir, 'out'),
      label: 'color',
      prediction: 'predicted',
      config: path.join(dir, 'config.yaml'),
      alert: readFileSync(path.join(REPO_ROOT, 'test/cluster/fixtures/alert-firing.json'), 'utf8'),
    }); // validation, predictions, submit_retrain stay "" (not given)
    const paramsDir = path.join(dir, 'params');
    const args = (analyze.container.args as string[]).map((a) =>
      a.replace(/\{\{inputs\.parameters\.([a-z_]+)\}\}/g, (_, n: string) => values[n]!).replace('/tmp/moa/params', paramsDir),
    );
    const r = runCli(args);
    expect([r.status, r.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
    for (const p of OUTPUT_PARAMS) {
      const text = readFileSync(path.join(paramsDir, p), 'utf8');
      expect([p, text.endsWith('\n')]).toEqual([p, false]);
    }
    for (const a of analyze.outputs.artifacts as Doc[]) {
      const file = (a.path as string).replace('/tmp/moa/out', values.out!);
      expect([a.name, existsSync(file)]).toEqual([a.name, true]);
    }
  });

  it('KFP v1 component: isPresent branches resolved; every unconfigurable output path is written', () => {
    const dir = path.join(work, 'kfp-v1');
    const inputs: Record<string, string> = {
      reference: path.join(data, 'reference.parquet'),
      operational: path.join(data, 'operational.parquet'),
      label: 'color',
      prediction: 'predicted',
    };
    const resolve = (arg: unknown): string[] => {
      if (typeof arg === 'string') return [arg.replace('/tmp/moa', dir)];
      const a = arg as Doc;
      if (a.inputValue) return [inputs[a.inputValue]!];
      if (a.concat) return [(a.concat as unknown[]).flatMap(resolve).join('')];
      if (a.if) return a.if.cond.isPresent in inputs ? resolve(a.if.then) : a.if.else ? resolve(a.if.else) : [];
      throw new Error(`unhandled placeholder ${JSON.stringify(arg)}`);
    };
    const r = runCli((v1.implementation.container.args as unknown[]).flatMap(resolve));
    expect([r.status, r.stderr.slice(-2000)]).toEqual([0, expect.any(String)]);
    for (const [name, p] of Object.entries(v1.implementation.container.unconfigurableOutputPaths as Record<string, string>)) {
      expect([name, existsSync(p.replace('/tmp/moa', dir))]).toEqual([name, true]);
    }
  });
});
