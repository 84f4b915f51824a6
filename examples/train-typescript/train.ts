/**
 * A training stage in TypeScript that uses moa's retrain-config manifest as it is — the same steps as
 * ../train-python/train.py:
 *
 *   node --experimental-strip-types train.ts MANIFEST MODEL_OUT    (or compile it with your build)
 *
 * When the action is `retrain` or `reweight` it trains on exactly the rows of the selection file (`data.weights`):
 * each row names its source object (`uri`) and row number there (`row`) and carries its label and weight, so rows
 * whose labels came late through the label feed need no join. Features are `data.features`, read from the source
 * objects; categorical ones are one-hot encoded. The model (moa's weighted softmax regression for classification,
 * weighted ridge regression otherwise) is written as JSON.
 *
 * Local paths and file:// URIs are read here; for s3:// read the objects with @aws-sdk/client-s3 the same way.
 * In your own project import from 'moa' instead of '../../src/index.js'.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { tableFromIPC, type Table as ArrowTable } from 'apache-arrow';
import { parse } from 'csv-parse/sync';
import { readParquet } from 'parquet-wasm';
import { fitRidge, fitSoftmax, type Manifest } from '../../src/index.js';

type Cell = string | number | boolean | null;
type Rows = Record<string, Cell>[];

const pathOf = (uri: string) => (uri.startsWith('file://') ? new URL(uri).pathname : uri);

/** One object as rows of cells, by its extension: Parquet or CSV (moa's selection files are one or the other). */
async function readRows(uri: string): Promise<Rows> {
  const bytes = await readFile(pathOf(uri));
  if (/\.parquet$/i.test(uri)) {
    const table: ArrowTable = tableFromIPC(readParquet(bytes).intoIPCStream());
    return table.toArray().map((row) => {
      const out: Record<string, Cell> = {};
      for (const [k, v] of Object.entries(row.toJSON() as Record<string, unknown>)) out[k] = typeof v === 'bigint' ? Number(v) : (v as Cell);
      return out;
    });
  }
  if (/\.csv$/i.test(uri)) {
    return parse(bytes, { columns: true, skip_empty_lines: true, cast: (value, context) => (context.quoting || value === '' || Number.isNaN(Number(value)) ? (value === '' && !context.quoting ? null : value) : Number(value)) }) as Rows;
  }
  throw new Error(`${uri}: this example reads .parquet and .csv`);
}

export interface TrainedModel {
  kind: 'softmax' | 'ridge';
  runId: string;
  features: string[];
  /** Encoded column names: numeric features, then `feature=category` one-hot columns. */
  columns: string[];
  classes: string[] | null;
  params: Record<string, number[] | number>;
}

export interface TrainingSummary {
  action: string;
  trained: boolean;
  rows?: number;
  weightSum?: number;
  bySource?: Record<string, number>;
  model?: TrainedModel;
}

/** Reads the manifest, trains on the selected rows with their weights, and returns the model and what it used. */
export async function trainFromManifest(manifestUri: string): Promise<TrainingSummary> {
  const manifest = JSON.parse(await readFile(pathOf(manifestUri), 'utf8')) as Manifest;
  const action = manifest.decision.action;
  const selectionInfo = manifest.data.weights;
  if ((action !== 'retrain' && action !== 'reweight') || !selectionInfo) return { action, trained: false };

  const selection = await readRows(selectionInfo.uri);
  const features = manifest.data.features;
  // Features of each selected row, from its source object (each object read once).
  const objects = new Map<string, Rows>();
  for (const uri of new Set(selection.map((s) => String(s.uri)))) objects.set(uri, await readRows(uri));
  const picked = selection.map((s) => objects.get(String(s.uri))![Number(s.row)]!);

  const categorical = features.filter((f) => picked.some((r) => typeof r[f] === 'string' || typeof r[f] === 'boolean'));
  const categories = new Map(categorical.map((f) => [f, [...new Set(picked.map((r) => r[f]).filter((v) => v !== null).map(String))].sort()]));
  const numeric = features.filter((f) => !categorical.includes(f));
  const columns = [...numeric, ...categorical.flatMap((f) => categories.get(f)!.map((c) => `${f}=${c}`))];
  const d = columns.length;
  const x = new Float64Array(picked.length * d);
  picked.forEach((r, i) => {
    let j = 0;
    for (const f of numeric) x[i * d + j++] = r[f] === null || r[f] === undefined ? 0 : Number(r[f]);
    for (const f of categorical) {
      const list = categories.get(f)!;
      const k = r[f] === null ? -1 : list.indexOf(String(r[f]));
      if (k >= 0) x[i * d + j + k] = 1;
      j += list.length;
    }
  });
  const weights = Float64Array.from(selection, (s) => Number(s.weight));
  const runId = manifest.metadata.runId;
  let model: TrainedModel;
  if (manifest.training.task === 'classification') {
    const classes = [...new Set(selection.map((s) => String(s.label)))].sort();
    const y = Int32Array.from(selection, (s) => classes.indexOf(String(s.label)));
    const fit = fitSoftmax(x, y, classes.length, { sampleWeight: weights, seed: 1 });
    model = { kind: 'softmax', runId, features, columns, classes, params: { weights: [...fit.weights], bias: [...fit.bias], mean: [...fit.mean], scale: [...fit.scale] } };
  } else {
    const fit = fitRidge(x, Float64Array.from(selection, (s) => Number(s.label)), { sampleWeight: weights });
    model = { kind: 'ridge', runId, features, columns, classes: null, params: { coef: [...fit.coef], intercept: fit.intercept } };
  }
  const bySource: Record<string, number> = {};
  for (const s of selection) bySource[String(s.source)] = (bySource[String(s.source)] ?? 0) + 1;
  return { action, trained: true, rows: selection.length, weightSum: weights.reduce((a, b) => a + b, 0), bySource, model };
}

// As a script: train, write the model, print what it trained on.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [manifestUri, modelOut] = process.argv.slice(2);
  if (!manifestUri || !modelOut) throw new Error('usage: train.ts MANIFEST MODEL_OUT');
  const { model, ...summary } = await trainFromManifest(manifestUri);
  if (model) await writeFile(modelOut, JSON.stringify(model));
  console.log(JSON.stringify(summary));
}
