/** Stop the Ceph RGW that test/global-setup.ts started, if it did (it left the way to do so on globalThis). */
export default async function globalTeardown(): Promise<void> {
  const teardown = globalThis.__moaS3Teardown;
  globalThis.__moaS3Teardown = undefined;
  await teardown?.();
}
