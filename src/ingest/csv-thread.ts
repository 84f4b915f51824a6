/**
 * A CSV object parsed in a worker thread, so that the inputs of a run (reference, operational, validation) are
 * decoded at once on as many cores. This thread still reads the object (storage, gzip, the byte limits) and sends
 * its bytes in batches; the worker runs the same csvReader as decodeCsvChunks and sends back the table, its columns'
 * buffers transferred (not copied). Errors are the same named errors at the same points: a parsing error crosses
 * the thread as data and is rebuilt as the MoaError it was, and when the stream fails, the bytes read before the
 * failure are parsed first, so a parsing error in them still comes first, as when parsing in this thread.
 *
 * The worker loads the compiled `csv-worker.js` next to this file, so it exists only when running from dist/; from
 * TypeScript sources (tests under SWC) `csvThreadAvailable()` is false and callers parse in this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MoaError } from '../errors.js';
import type { CsvOptions } from './csv.js';
import type { FromWorker, ThreadError, ToWorker } from './csv-worker.js';
import type { Table } from './table.js';

const workerUrl = new URL('./csv-worker.js', import.meta.url);

export function csvThreadAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/** Bytes per message to the worker, and batches sent but not yet parsed (memory holds at most their sum). */
const BATCH_BYTES = 1 << 20;
const BATCHES_IN_FLIGHT = 4;

function revive(error: ThreadError): Error {
  if (error.moa) return new MoaError(error.kind, error.code, error.message, { subject: error.subject, fix: error.fix });
  const revived = new Error(error.message);
  revived.name = error.name;
  if (error.stack !== undefined) revived.stack = error.stack;
  return revived;
}

/** decodeCsvChunks in a worker thread: `open` starts the object from its first byte (again when a column is re-read). */
export async function decodeCsvOffThread(open: () => AsyncIterable<Uint8Array>, options: CsvOptions, expectedBytes?: number): Promise<Table> {
  const worker = new Worker(workerUrl, { workerData: { options, expectedBytes } });
  const inbox: (FromWorker | { type: 'crash'; error: Error })[] = [];
  let wake: (() => void) | null = null;
  const deliver = (message: FromWorker | { type: 'crash'; error: Error }) => {
    inbox.push(message);
    wake?.();
  };
  worker.on('message', deliver);
  worker.on('error', (error: Error & { code?: string }) => {
    // The worker's heap has the limit this thread's has: out of it, the process ends as it would have parsing here
    // (V8 aborts), so that the supervisor (src/cli/supervise.ts) records data.out_of_memory as for any other step.
    if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      process.stderr.write(`FATAL ERROR: the CSV worker thread reading ${options.uri} ran out of heap: JavaScript heap out of memory\n`);
      process.abort();
    }
    deliver({ type: 'crash', error });
  });
  worker.on('exit', (code) => deliver({ type: 'crash', error: new Error(`the CSV worker thread exited (code ${code}) before it sent the table`) }));
  let workerFailed = false;
  /** The worker's next reply; its error, thrown. */
  const receive = async (): Promise<Exclude<FromWorker, { type: 'error' }>> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    const message = inbox.shift()!;
    if (message.type === 'error' || message.type === 'crash') {
      workerFailed = true;
      throw message.type === 'error' ? revive(message.error) : message.error;
    }
    return message;
  };
  let inFlight = 0;
  /** Batches the worker has parsed and sent back, to be filled again. */
  const free: Uint8Array[] = [];
  const parsed = async () => {
    const message = await receive();
    if (message.type !== 'parsed') throw new Error(`the CSV worker thread sent "${message.type}" before parsing every chunk`);
    free.push(new Uint8Array(message.bytes.buffer));
    inFlight--;
  };
  const post = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);
  try {
    for (;;) {
      let batch = free.pop() ?? new Uint8Array(BATCH_BYTES);
      let filled = 0;
      const send = async () => {
        if (filled === 0) return;
        post({ type: 'chunk', bytes: batch.subarray(0, filled) }, [batch.buffer as ArrayBuffer]);
        inFlight++;
        filled = 0;
        // Replies already here first (an error stops the read early), then wait while too much is unparsed.
        while (inbox.length > 0 || inFlight >= BATCHES_IN_FLIGHT) await parsed();
        batch = free.pop() ?? new Uint8Array(BATCH_BYTES);
      };
      try {
        for await (const chunk of open()) {
          for (let at = 0; at < chunk.length; ) {
            const take = Math.min(chunk.length - at, BATCH_BYTES - filled);
            batch.set(chunk.subarray(at, at + take), filled);
            filled += take;
            at += take;
            if (filled === BATCH_BYTES) await send();
          }
        }
      } catch (error) {
        if (!workerFailed) {
          // The stream failed: the bytes read before it are parsed first, so an error in them is the one reported.
          await send();
          while (inFlight > 0) await parsed();
        }
        throw error;
      }
      await send();
      post({ type: 'end' });
      while (inFlight > 0) await parsed();
      const last = await receive();
      if (last.type === 'table') return last.table;
      if (last.type !== 'again') throw new Error(`the CSV worker thread sent "${last.type}" at the end of the object`);
    }
  } finally {
    worker.removeAllListeners();
    void worker.terminate();
  }
}
