import { expect, it } from '@jest/globals';
import { analyzeNewClasses, analyzeTensors } from '../../src/analyze/index.js';
import type { Dataset, Roles } from '../../src/ingest/dataset.js';
import type { Column } from '../../src/ingest/table.js';
import { fitSoftmax, predictProba } from '../../src/models/softmax.js';
import { CheckResultSchema } from '../../src/schema/results.js';
import { CHECKS, find } from '../../src/checks/index.js';
import { mulberry32 } from '../../src/stats/index.js';
import { sampleIndices } from '../../src/analyze/sampling.js';
import type { NoveltyCluster } from '../../src/analyze/novelty.js';
import { categorical, config, fashionMnist } from './support.js';
import { describeIfAvailable } from '../support/requires.js';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
// Bag: absent from training, 10% of the operational test set. (Trousers were tried first: they lie within the
// spread of dresses in pixel space, so distance-based novelty does not see them — see docs/analyze.md.)
const HELD_OUT = 8;
const PIXELS = 784;

const train = fashionMnist('train');
const test = fashionMnist('t10k');
const missing = typeof train === 'string' ? train : typeof test === 'string' ? test : null;
const describeFashion = describeIfAvailable('the Fashion-MNIST tests', missing);

function imageDataset(role: 'reference' | 'operational', images: Float32Array, labels: Uint8Array, rows: number[], extra: Column[] = []): Dataset {
  const values = new Float32Array(rows.length * PIXELS);
  rows.forEach((r, i) => values.set(images.subarray(r * PIXELS, (r + 1) * PIXELS), i * PIXELS));
  const columns: Column[] = [
    { name: 'image', type: 'tensor', size: PIXELS, values, nulls: null },
    categorical('label', rows.map((r) => CLASSES[labels[r]!]!)),
    ...extra,
  ];
  return { role, uri: `mem://${role}`, rows: rows.length, columns: new Map(columns.map((c) => [c.name, c])) };
}

describeFashion('Fashion-MNIST: a class absent from training', () => {
  const tr = train as Exclude<typeof train, string>;
  const te = test as Exclude<typeof test, string>;
  const rng = mulberry32(5);
  // Reference: 6 000 training images of the nine other classes; operational: the full 10 000-image test set.
  const known = [...tr.labels.keys()].filter((i) => tr.labels[i] !== HELD_OUT);
  const refRows = Array.from(sampleIndices(known.length, 6000, rng), (k) => known[k]!);
  const reference = imageDataset('reference', tr.images, tr.labels, refRows);
  // The "production model": softmax regression on 2 000 reference images, giving probabilities for the operational rows.
  const fitRows = refRows.slice(0, 2000);
  const xFit = new Float64Array(fitRows.length * PIXELS);
  fitRows.forEach((r, i) => xFit.set(tr.images.subarray(r * PIXELS, (r + 1) * PIXELS), i * PIXELS));
  const trainedClasses = CLASSES.filter((_, c) => c !== HELD_OUT);
  const model = fitSoftmax(xFit, Int32Array.from(fitRows, (r) => trainedClasses.indexOf(CLASSES[tr.labels[r]!]!)), trainedClasses.length, { epochs: 5, seed: 1 });
  const opRows = Array.from({ length: te.n }, (_, i) => i);
  const proba = predictProba(model, Float64Array.from(te.images));
  const probaColumns: Column[] = trainedClasses.map((cls, c) => ({ name: `proba_${cls}`, type: 'numeric', values: Float64Array.from({ length: te.n }, (_, i) => proba[i * trainedClasses.length + c]!), nulls: null, integer: false }));
  const operational = imageDataset('operational', te.images, te.labels, opRows, probaColumns);
  // Labels stay in the data for checking the clusters; only the image is a feature.
  const roles: Roles = { task: 'classification', label: 'label', proba: trainedClasses.map((cls) => ({ column: `proba_${cls}`, className: cls })), features: ['image'], excluded: [] };
  // Smaller caps than the defaults keep this file to a few seconds of CPU.
  // Each test at an explicit level (novelty 0.01, tensors 0.05): run alone they would get only their share of the plan's budget.
  const cfg = config({ seed: 11, analyze: { novelty: { maxRows: 2000, alpha: 0.01 }, tensor: { permutations: 100, alpha: 0.05 } } });

  it('reports a novelty cluster dominated by the held-out class, with representative rows', () => {
    // Novelty never reads labels to detect (only to name a cluster's dominant label), so one run serves both the
    // unlabelled question and the check that labels, where present, name the cluster.
    const { results, clusters } = analyzeNewClasses(reference, operational, roles, cfg);
    expect(results.map((r) => r.kind)).toEqual(['new_classes', 'novelty']);
    expect(results[0]!.status).toBe('fail'); // labels show Bag directly
    const result = find(results, CHECKS.novelty)!;
    CheckResultSchema.parse(result);
    const labelOf = (row: number) => CLASSES[te.labels[row]!]!;
    const top = clusters.find((c: NoveltyCluster) => c.candidate)!;
    const topShare = top.rows.filter((r) => labelOf(r) === CLASSES[HELD_OUT]).length / top.rows.length;
    console.log(`Fashion-MNIST novelty (reference without ${CLASSES[HELD_OUT]}): ${result.summary} figures=${JSON.stringify(result.figures)}; clusters=${JSON.stringify(clusters.map((c) => ({ size: c.size, share: +c.share.toFixed(3), meanConfidence: c.meanConfidence && +c.meanConfidence.toFixed(3), dominantLabel: c.dominantLabel, heldOutShareOfRepresentatives: +(c.rows.filter((r) => labelOf(r) === CLASSES[HELD_OUT]).length / c.rows.length).toFixed(2) })))}`);
    expect(result.status).toBe('fail');
    expect(Number(result.figures.excessShare)).toBeGreaterThanOrEqual(cfg.analyze.novelty.minShare);
    expect(top.rows.length).toBe(cfg.analyze.novelty.representatives);
    expect(topShare).toBeGreaterThanOrEqual(0.8);
    expect(top.dominantLabel).toBe(CLASSES[HELD_OUT]);
    expect(top.meanConfidence).not.toBeNull();
  });

  it('detects tensor drift when the class appears, and none between training and test images of the same classes', () => {
    const drifted = analyzeTensors(reference, operational, roles, cfg)[0]!;
    CheckResultSchema.parse(drifted);
    const sameRows = opRows.filter((i) => te.labels[i] !== HELD_OUT);
    const same = analyzeTensors(reference, imageDataset('operational', te.images, te.labels, sameRows), roles, cfg)[0]!;
    console.log(`Fashion-MNIST tensor drift: with the new class ${drifted.status} ${JSON.stringify(drifted.figures)}; without ${same.status} ${JSON.stringify(same.figures)}`);
    expect(drifted.status).toBe('fail');
    expect(same.status).not.toBe('fail');
  });
});
