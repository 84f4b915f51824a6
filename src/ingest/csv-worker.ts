/**
 * worker_threads entry for decodeCsvOffThread (src/ingest/csv-thread.ts): one CSV object parsed by csvReader from
 * the chunks the parent sends, its table sent back with the columns' buffers transferred. Runs from dist/ only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MoaError } from '../errors.js';
import { csvReader, type CsvOptions } from './csv.js';
import type { Table } from './table.js';

export type ToWorker = { type: 'chunk'; bytes: Uint8Array } | { type: 'end' };
/** A parsing error as plain data: a MoaError keeps its kind and code, anything else its name, message and stack. */
export type ThreadError = { moa: true; kind: MoaError['kind']; code: string; message: string; subject: string | undefined; fix: string | undefined } | { moa: false; name: string; message: string; stack: string | undefined };
export type FromWorker = { type: 'parsed'; bytes: Uint8Array } | { type: 'again' } | { type: 'table'; table: Table } | { type: 'error'; error: ThreadError };

const { options, expectedBytes } = workerData as { options: CsvOptions; expectedBytes: number | undefined };
const reader = csvReader(options, { expectedBytes });
const port = parentPort!;
const reply = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function columnBuffers(table: Table): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const column of table.columns) {
    for (const part of [(column as { values?: ArrayBufferView }).values, (column as { nulls?: ArrayBufferView | null }).nulls, (column as { codes?: ArrayBufferView }).codes]) {
      if (part) buffers.add(part.buffer as ArrayBuffer);
    }
  }
  return [...buffers];
}

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'chunk') {
      reader.push(message.bytes);
      // The batch goes back to be filled again: its megabyte is not left for a garbage collector that this thread,
      // which allocates almost nothing on its heap, would seldom run.
      reply({ type: 'parsed', bytes: message.bytes }, [message.bytes.buffer as ArrayBuffer]);
    } else if (reader.end()) reply({ type: 'again' });
    else {
      const table = reader.table();
      reply({ type: 'table', table }, columnBuffers(table));
    }
  } catch (error) {
    const e = error as Error;
    reply({
      type: 'error',
      error: error instanceof MoaError ? { moa: true, kind: error.kind, code: error.code, message: error.message, subject: error.subject, fix: error.fix } : { moa: false, name: e?.name ?? 'Error', message: String(e?.message ?? error), stack: e?.stack },
    });
  }
});
