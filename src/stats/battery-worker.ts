/** worker_threads entry for runBattery: computes one column's battery per message. Runs from dist/ only. */
import { parentPort } from 'node:worker_threads';
import { batteryColumn } from './battery.js';

parentPort!.on('message', (msg: { index: number; name: string; reference: Float64Array; current: Float64Array }) => {
  try {
    parentPort!.postMessage({ index: msg.index, result: batteryColumn(msg.name, msg.reference, msg.current) });
  } catch (error) {
    const e = error as Error & { code?: string };
    parentPort!.postMessage({ index: msg.index, error: { name: e.name, message: e.message, code: e.code } });
  }
});
