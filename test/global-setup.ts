/**
 * Once per jest run, before any worker starts: find the S3 server the tests use and pass it on through env vars
 * (workers inherit this process's env). In order:
 *   1. MOA_TEST_S3_ENDPOINT set   → that server (keys from MOA_TEST_S3_ACCESS_KEY / _SECRET_KEY);
 *   2. radosgw installed          → start Ceph RGW on free loopback ports (scripts/ceph-rgw-up.sh), stopped in
 *                                   global-teardown and, if jest dies first, by the script's watchdog;
 *   3. CI=true                    → fail the run: a missing service in CI is a failure, not a skip;
 *   4. otherwise                  → record MOA_TEST_S3_SKIP_REASON; describeS3 blocks print it and skip.
 * MOA_TEST_S3=off opts out on a developer machine (not in CI).
 *
 * Jest loads this file through require() (CommonJS, outside the ESM module map), so it imports no project
 * module and uses no import.meta; test/support/s3.ts imports the env-var contract from here instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

/** The env vars this setup writes for the workers (ENDPOINT and the keys may also be set by a developer). */
export const S3_TEST_ENV = {
  endpoint: 'MOA_TEST_S3_ENDPOINT',
  accessKeyId: 'MOA_TEST_S3_ACCESS_KEY',
  secretAccessKey: 'MOA_TEST_S3_SECRET_KEY',
  region: 'MOA_TEST_S3_REGION',
  skipReason: 'MOA_TEST_S3_SKIP_REASON',
} as const;
export const DEFAULT_S3_CREDENTIALS = { accessKeyId: 'testaccesskey', secretAccessKey: 'testsecretkey' } as const;
export const DEFAULT_S3_REGION = 'us-east-1';
export const isCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

const run = promisify(execFile);
const say = (msg: string) => process.stderr.write(`\n[s3] ${msg}\n`);

// global-teardown.ts reads this (setup and teardown share one global scope in jest)
declare global {
  var __moaS3Teardown: (() => Promise<void>) | undefined;
}

export default async function globalSetup(_globalConfig: unknown, projectConfig: { rootDir: string }): Promise<void> {
  const env = process.env;
  if (env[S3_TEST_ENV.endpoint]) {
    await assertReachable(env[S3_TEST_ENV.endpoint]!);
    say(`using ${env[S3_TEST_ENV.endpoint]} from ${S3_TEST_ENV.endpoint}`);
    return;
  }
  const optedOut = env.MOA_TEST_S3 === 'off';
  const rgw = !optedOut && onPath('radosgw');
  if (!rgw) {
    const reason = optedOut
      ? 'MOA_TEST_S3=off'
      : `no S3 server: set ${S3_TEST_ENV.endpoint}, or install Ceph RGW ` +
        '(apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw)';
    if (isCI()) throw new Error(`CI=true and the S3 tests cannot run: ${reason}`);
    env[S3_TEST_ENV.skipReason] = reason;
    say(`S3 tests will be skipped: ${reason}`);
    return;
  }
  const scripts = path.join(projectConfig.rootDir, 'scripts');
  const stateRoot = path.join(projectConfig.rootDir, '.ceph-ci');
  await sweepStale(stateRoot, scripts);
  const started = await startRgw(stateRoot, scripts);
  const set = {
    [S3_TEST_ENV.endpoint]: started.endpoint,
    [S3_TEST_ENV.accessKeyId]: DEFAULT_S3_CREDENTIALS.accessKeyId,
    [S3_TEST_ENV.secretAccessKey]: DEFAULT_S3_CREDENTIALS.secretAccessKey,
    [S3_TEST_ENV.region]: DEFAULT_S3_REGION,
  };
  Object.assign(env, set);
  delete env[S3_TEST_ENV.skipReason];
  globalThis.__moaS3Teardown = async () => {
    // KEEP_CEPH_DIR=1 in the caller's env keeps the daemons' logs for a post-mortem
    await run('bash', [path.join(scripts, 'ceph-rgw-down.sh')], { env: { ...process.env, CEPH_DIR: started.dir } });
    for (const name of Object.keys(set)) delete env[name]; // a re-run (watch mode) starts afresh
  };
}

async function startRgw(stateRoot: string, scripts: string): Promise<{ endpoint: string; dir: string }> {
  // Several runs may share a checkout (and a machine): each gets its own state dir and free ports. Ports can
  // be taken between our probe and the daemon's bind, so a "port in use" failure is retried with fresh ones.
  const dir = path.join(stateRoot, `jest-${process.pid}`);
  for (let attempt = 1; ; attempt++) {
    const [rgwPort, monPort, monV1Port] = await freePorts(3);
    const t0 = performance.now();
    try {
      const { stdout } = await run('bash', [path.join(scripts, 'ceph-rgw-up.sh')], {
        env: {
          ...process.env,
          CEPH_DIR: dir,
          RGW_PORT: String(rgwPort),
          MON_PORT: String(monPort),
          MON_V1_PORT: String(monV1Port),
          S3_ACCESS_KEY: DEFAULT_S3_CREDENTIALS.accessKeyId,
          S3_SECRET_KEY: DEFAULT_S3_CREDENTIALS.secretAccessKey,
          OWNER_PID: String(process.pid),
        },
        maxBuffer: 1 << 20,
      });
      const endpoint = /^READY (\S+)$/m.exec(stdout)?.[1];
      if (!endpoint) throw new Error(`ceph-rgw-up.sh printed no READY line:\n${stdout}`);
      say(`Ceph RGW ready at ${endpoint} in ${((performance.now() - t0) / 1000).toFixed(1)} s (state ${dir})`);
      return { endpoint, dir };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      await run('bash', [path.join(scripts, 'ceph-rgw-down.sh')], { env: { ...process.env, CEPH_DIR: dir, KEEP_CEPH_DIR: '1' } }).catch(() => {});
      if (attempt < 3 && /already in use/.test(stderr)) continue;
      throw new Error(`could not start Ceph RGW for the S3 tests (logs kept in ${dir}/log):\n${stderr.trim()}`);
    }
  }
}

/** Stop clusters left by runs that died without teardown and whose watchdog did not get to them. */
async function sweepStale(stateRoot: string, scripts: string): Promise<void> {
  if (!existsSync(stateRoot)) return;
  for (const name of readdirSync(stateRoot)) {
    const pid = Number(/^jest-(\d+)$/.exec(name)?.[1]);
    if (!pid || alive(pid)) continue;
    const down = path.join(scripts, 'ceph-rgw-down.sh');
    await run('bash', [down], { env: { ...process.env, CEPH_DIR: path.join(stateRoot, name) } }).catch(() => {});
  }
}

function alive(pid: number): boolean {
  try {
    // a live PID that is not node (reused by something else) means the run that made this dir is gone
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return false;
  }
}

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, bin)));
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Any HTTP answer will do (RGW answers / anonymously); no answer in 5 s fails the run with the URL in it. */
async function assertReachable(endpoint: string): Promise<void> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    throw new Error(`${S3_TEST_ENV.endpoint}=${endpoint} does not answer: ${(error as Error).message}`);
  }
}
