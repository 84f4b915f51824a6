/**
 * Dedicated views for the `details` shapes in details.ts, keyed on the detail, not on the check's kind, so a new
 * kind that carries a known shape (say a distribution on `output_drift`) is drawn too. Each view names the details
 * keys it consumed; the report shows the rest generically.
 */
import { CHECKS, isKind, untyped, type CheckOf, type CheckResult } from '../checks/index.js';
import { categoricalDistributionChart, chunkPanels, COLORS, numericDistributionChart, precisionRecallChart, priorsChart, rankedBars, reliabilityChart, rocChart, timeline, type ChunkPanel } from './charts.js';
import {
  ChunksSchema,
  ClustersSchema,
  ConfusionMatrixSchema,
  detail,
  DistributionSchema,
  ImportanceSchema,
  PerClassSchema,
  PriorsSchema,
  ReliabilitySchema,
  RocSchema,
  SlicesSchema,
  type ConfusionMatrixDetail,
  type DistributionDetail,
  type RocDetail,
} from './details.js';
import { formatFigure, html, Html } from './html.js';
import { noveltyReading, type Segment } from './new-classes.js';
import { scalar } from './json-view.js';

/** Charts cost bytes: the largest confusion matrix drawn, and the rows shown in long tables. */
export const VIEW_LIMITS = { matrixClasses: 30, tableRows: 50, importanceBars: 20 } as const;

export interface View {
  html: Html;
  handled: string[];
  /** Tables take the full width; charts sit side by side. */
  wide?: boolean;
}

const n = (v: number | null | undefined) => html`<td class="num">${v === null || v === undefined ? '—' : formatFigure(v)}</td>`;
const pct = (v: number | null | undefined) => html`<td class="num">${v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`}</td>`;
const capNote = (total: number, shown: number, what: string) =>
  total > shown ? html`<p class="muted">Showing ${shown} of ${total} ${what}; results.json has all of them.</p>` : html``;

export const legend = (entries: [string, string][]) =>
  html`<p class="legend">${entries.map(([label, color]) => html`<span><i style="background:${color}"></i>${label}</span>`)}</p>`;

export function distributionOf(check: CheckResult): DistributionDetail | undefined {
  return detail(untyped(check).details, 'distribution', DistributionSchema);
}

export function distributionChart(d: DistributionDetail): Html {
  return d.kind === 'numeric' ? numericDistributionChart(d) : categoricalDistributionChart(d);
}

/** Cell colour: blue for correct (the diagonal), red for confusions, deeper as the share of the true class grows. */
function cellStyle(share: number, diagonal: boolean): string {
  const alpha = Math.min(1, share).toFixed(2);
  return `background:rgba(${diagonal ? '37,99,235' : '220,38,38'},${alpha});${share > 0.55 ? 'color:#fff' : ''}`;
}

/**
 * A confusion matrix as a table: per cell the rows and the share of the true class (row percentage); totals per
 * true class. An estimated matrix (CBPE: expected counts from calibrated confidence) holds fractions: they are
 * rounded to whole rows, and the caption says they are estimates.
 */
function confusionView(cm: ConfusionMatrixDetail, estimated: boolean): Html {
  const total = cm.matrix.flat().reduce((a, b) => a + b, 0);
  const correct = cm.matrix.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  const rows = (v: number) => Math.round(v).toLocaleString('en-US');
  const caption = html`<p class="muted">${estimated ? html`<strong>Estimated</strong> from the model's calibrated confidence, without labels: expected numbers of rows, rounded. ` : ''}Each row is a true class, each column what the model predicted; a cell gives the rows and, below, their share of the true class (the row percentage). The diagonal (blue) is correct; red cells are confusions. ${rows(total)} rows, ${total ? ((correct / total) * 100).toFixed(1) : '—'}% on the diagonal.</p>`;
  if (cm.labels.length <= VIEW_LIMITS.matrixClasses) {
    return html`<div class="matrix"><table class="confusion"><thead><tr><th>true ↓ · predicted →</th>${cm.labels.map((l) => html`<th>${l}</th>`)}<th>rows</th></tr></thead><tbody>${cm.matrix.map((row, i) => {
      const sum = row.reduce((a, b) => a + b, 0);
      return html`<tr><th>${cm.labels[i]}</th>${row.map((v, j) => {
        const share = sum > 0 ? v / sum : 0;
        return html`<td class="num" style="${cellStyle(share, i === j)}">${rows(v)}<br><small>${sum > 0 ? `${(share * 100).toFixed(1)}%` : '—'}</small></td>`;
      })}<td class="num">${rows(sum)}</td></tr>`;
    })}</tbody></table></div>${caption}`;
  }
  // Too many classes for a readable grid: the largest confusions instead.
  const cells = cm.matrix.flatMap((row, i) => {
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ actual: cm.labels[i]!, predicted: cm.labels[j]!, count, share: sum > 0 ? count / sum : 0, off: i !== j }));
  });
  const top = cells.filter((c) => c.off && c.count > 0).sort((a, b) => b.count - a.count).slice(0, VIEW_LIMITS.tableRows);
  return html`<p>${cm.labels.length} classes: too many for a grid. The largest confusions:</p><table><thead><tr><th>true class</th><th>predicted</th><th>rows</th><th>share of the true class</th></tr></thead><tbody>${top.map(
    (c) => html`<tr><td>${c.actual}</td><td>${c.predicted}</td><td class="num">${rows(c.count)}</td>${pct(c.share)}</tr>`,
  )}</tbody></table>${caption}`;
}

/** The precision–recall curve from the ROC points, when the results carry precision (results since the PR curve). */
function prView(roc: RocDetail): Html | undefined {
  const points = roc.points.filter((p): p is typeof p & { precision: number } => p.precision !== undefined);
  if (points.length < 2) return undefined;
  const chance = roc.positives !== undefined && roc.negatives !== undefined && roc.positives + roc.negatives > 0 ? roc.positives / (roc.positives + roc.negatives) : undefined;
  const ap = roc.averagePrecision;
  return html`<figure>${precisionRecallChart(points, chance)}<figcaption>Precision–recall curve: of the rows called positive, the share that are (precision), against the share of positives found (recall), at every threshold${chance !== undefined ? html`; dashed: the share of positives, ${pct1(chance)}, what guessing gets` : ''}${ap !== undefined && ap !== null ? html`. Average precision <strong>${formatFigure(ap)}</strong>` : ''}. Read it when positives are rare: the ROC curve can look good while most alarms are false.</figcaption></figure>`;
}

const pct1 = (v: number) => `${(v * 100).toFixed(1)}%`;

/** What a view needs from the rest of the run: the reference's rows and how many numeric features KS compares. */
export interface ViewContext {
  referenceRows?: number;
  ksFeatures?: number;
  /** Classes in the operational labels that training never had (new_classes checks). */
  newClasses?: string[];
}

/** Segments as HTML: class names as code, everything escaped. */
export const segmentsHtml = (segments: Segment[]): Html => html`${segments.map((s) => (typeof s === 'string' ? s : html`<code>${s.name}</code>`))}`;

/** z of a two-sided 95% band. */
const Z95 = 1.959963984540054;

/**
 * Kolmogorov's asymptotic critical value of the two-sample KS statistic at level α (√(−ln(α/2)/2), scipy's
 * kstwobign.isf(α) to four digits at α ≤ 0.05), scaled to samples of n and m rows.
 */
const ksCritical = (alpha: number, n: number, m: number) => Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));

/**
 * Performance and drift per chunk as small multiples, with the band each chunk stays in when nothing changed: for
 * the metric, the baseline ± 1.96 standard errors of a chunk's difference from it (the check's own z, both errors);
 * for drift, the KS statistic chance alone reaches at 5 % over every numeric feature (Bonferroni). The chunk table
 * follows, folded.
 */
function evidenceViews(check: CheckOf<typeof CHECKS.evidenceOverTime>, context: ViewContext): View[] {
  const { axis, pooled, baselineVariance: v } = check.details!;
  if (!pooled.length) return [];
  const { baseline, baselineRows } = check.figures;
  const mae = check.subject === 'mae';
  const metric = check.subject ?? 'metric';
  const metricPanel: ChunkPanel = {
    label: metric,
    worse: mae ? 'above' : 'below',
    ...(baseline !== undefined ? { reference: baseline } : {}),
    points: pooled.map((c) => {
      const se = baseline !== undefined && baselineRows && c.labelled > 0 && v > 0 ? Math.sqrt(v / c.labelled + v / baselineRows) : undefined;
      const band = se !== undefined ? { lo: Math.max(0, baseline! - Z95 * se), hi: mae ? baseline! + Z95 * se : Math.min(1, baseline! + Z95 * se) } : {};
      return { start: c.start, end: c.end, value: c.metric, ...band };
    }),
  };
  const m = context.referenceRows !== undefined ? Math.min(5000, context.referenceRows) : undefined;
  const features = context.ksFeatures;
  const driftPanel: ChunkPanel = {
    label: 'drift (KS)',
    worse: 'above',
    points: pooled.map((c) => ({ start: c.start, end: c.end, value: c.drift, ...(m && features && c.rows > 0 ? { lo: 0, hi: ksCritical(0.05 / features, c.rows, m) } : {}) })),
  };
  const withDrift = pooled.some((c) => c.drift !== null);
  const outside = metricPanel.points.filter((p) => p.value !== null && p.lo !== undefined && (mae ? p.value > p.hi! : p.value < p.lo)).length;
  const earlier = pooled.filter((c) => c.run !== check.details!.chunks[0]?.run).length;
  const when = (t: number) => (axis === 'time' ? new Date(t).toISOString().replace(':00.000Z', 'Z') : `row ${t}`);
  const rows = pooled.slice(-VIEW_LIMITS.tableRows);
  return [
    {
      wide: true,
      // baselineKey only matches history runs to this one: an identifier with 12-digit numbers, not for reading.
      handled: ['chunks', 'pooled', 'baselineKey', 'baselineVariance'],
      html: html`<figure class="over-time">${chunkPanels(withDrift ? [metricPanel, driftPanel] : [metricPanel], axis)}<figcaption>Over ${axis === 'time' ? 'time' : 'the rows, in file order (no timestamp given)'}: each dot is one chunk of the operational data${earlier ? html` (${earlier} of the ${pooled.length} from earlier runs)` : ''}. <strong>Top</strong>: ${metric} per chunk; the line is the baseline (${baseline !== undefined ? formatFigure(baseline) : '—'}) and the grey band is where a chunk of that size lands 95% of the time when nothing changed. ${outside ? html`<strong>${outside} of ${pooled.length}</strong> chunks fall outside it on the worse side (orange).` : 'No chunk falls outside it on the worse side.'}${withDrift ? html` <strong>Bottom</strong>: the largest drift of a numeric feature in the chunk (Kolmogorov–Smirnov statistic against the reference: 0 = same distribution, 1 = no overlap)${driftPanel.points.some((p) => p.hi !== undefined) ? `; the band is how far chance alone reaches (5%, over ${features} features)` : ''}. The chunk table names the feature.` : ''}</figcaption></figure>
<details><summary>Per-chunk figures (${pooled.length} chunks)</summary><table class="evidence-chunks"><thead><tr><th>from</th><th>to</th><th>run</th><th>rows</th><th>labelled</th><th>${metric}</th><th>drop</th><th>z</th><th>drift (KS)</th><th>feature</th></tr></thead><tbody>${rows.map(
        (c) => html`<tr><td>${when(c.start)}</td><td>${when(c.end)}</td><td><code>${c.run}</code></td>${n(c.rows)}${n(c.labelled)}${n(c.metric)}${n(c.drop)}${n(c.z)}${n(c.drift)}<td>${c.driftFeature ?? '—'}</td></tr>`,
      )}</tbody></table>${capNote(pooled.length, rows.length, 'chunks (the newest shown)')}</details>`,
    },
  ];
}

/** The views a check's details allow, in reading order. */
export function viewsFor(check: CheckResult, context: ViewContext = {}): View[] {
  const d = untyped(check).details;
  const views: View[] = [];
  // Feature drift charts are drawn once, for the top drifted features, by the drift section.
  const dist = isKind(check, CHECKS.featureDrift) ? undefined : distributionOf(check);
  if (dist) {
    views.push({ handled: ['distribution'], html: html`<figure>${distributionChart(dist)}<figcaption>${check.subject ?? check.id}: reference vs operational</figcaption></figure>` });
  }
  const cm = detail(d, 'confusionMatrix', ConfusionMatrixSchema);
  if (cm) views.push({ handled: ['confusionMatrix'], html: confusionView(cm, isKind(check, CHECKS.estimatedPerformance)), wide: cm.labels.length > 6 });
  const perClass = detail(d, 'perClass', PerClassSchema);
  if (perClass) {
    // The baseline's per-class figures, when the check carries them, sit beside the operational ones.
    const baseline = new Map((detail(d, 'baselinePerClass', PerClassSchema) ?? []).map((r) => [r.class, r]));
    const rows = [...perClass].sort((a, b) => (a.f1 ?? -1) - (b.f1 ?? -1)).slice(0, VIEW_LIMITS.tableRows);
    views.push({
      wide: true,
      handled: ['perClass', ...(baseline.size ? ['baselinePerClass'] : [])],
      html: html`<h4>Per class (worst F1 first)</h4><table><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>${baseline.size ? html`<th>baseline F1</th>` : ''}<th>support</th></tr></thead><tbody>${rows.map(
        (r) => html`<tr><td>${r.class}</td>${n(r.precision)}${n(r.recall)}${n(r.f1)}${baseline.size ? n(baseline.get(r.class)?.f1) : ''}${n(r.support)}</tr>`,
      )}</tbody></table>${capNote(perClass.length, rows.length, 'classes')}`,
    });
  }
  const reliability = detail(d, 'reliability', ReliabilitySchema);
  if (reliability && reliability.bins.length) {
    const baseline = detail(d, 'baselineReliability', ReliabilitySchema);
    views.push({
      handled: ['reliability', ...(baseline ? ['baselineReliability'] : [])],
      html: html`<figure>${reliabilityChart(reliability.bins, baseline?.bins)}<figcaption>${baseline ? legend([['operational', COLORS.operational], ['baseline', COLORS.reference]]) : ''}Calibration: rows grouped by the model's confidence in its prediction (x), against how often it was right (y); dot area: rows. On the dashed diagonal a confidence of 80% means right 80% of the time; below it the model is over-confident, above it under-confident.</figcaption></figure>`,
    });
  }
  const roc = detail(d, 'roc', RocSchema);
  if (roc) {
    const positive = roc.positive !== undefined ? html` <code>${roc.positive}</code>` : ' class';
    views.push({
      handled: ['roc'],
      html: html`<figure>${rocChart(roc.points)}<figcaption>ROC curve: every threshold on the probability of the positive${positive}, from "nothing positive" (bottom left) to "everything positive" (top right). Higher and further left is better; the dashed diagonal is guessing${roc.auc !== undefined && roc.auc !== null ? html`. Area under the curve (AUC) <strong>${formatFigure(roc.auc)}</strong>: the chance that a random positive row scores above a random negative one` : ''}.</figcaption></figure>`,
    });
    const pr = prView(roc);
    if (pr) views.push({ handled: ['roc'], html: pr });
  }
  const importance = detail(d, 'importance', ImportanceSchema);
  if (importance && importance.length) {
    const top = [...importance].sort((a, b) => b.importance - a.importance).slice(0, VIEW_LIMITS.importanceBars);
    views.push({
      handled: ['importance'],
      html: html`<figure>${rankedBars(top.map((r) => ({ name: r.feature, value: r.importance })), 'importance')}<figcaption>Features that best tell operational from reference rows.</figcaption></figure>${capNote(importance.length, top.length, 'features')}`,
    });
  }
  const priors = detail(d, 'priors', PriorsSchema);
  if (priors && priors.length) {
    const shown = priors.slice(0, VIEW_LIMITS.tableRows);
    const measured = priors.some((p) => p.measured !== undefined);
    const estimated = priors.some((p) => p.estimated !== undefined);
    views.push({
      wide: true,
      handled: ['priors'],
      html: html`<figure>${priorsChart(shown.map((p) => ({ class: p.class, reference: p.reference, estimated: p.estimated, measured: p.measured, lo: p.lo ?? undefined, hi: p.hi ?? undefined })))}<figcaption>${legend([['training share', COLORS.reference], ...(estimated ? ([['estimated operational share (interval)', COLORS.estimated]] as [string, string][]) : []), ...(measured ? ([['measured operational share', COLORS.operational]] as [string, string][]) : [])])}</figcaption></figure>
<table><thead><tr><th>class</th><th>training</th>${estimated ? html`<th>estimated</th><th>interval</th>` : ''}${measured ? html`<th>measured</th>` : ''}<th>weight</th></tr></thead><tbody>${shown.map(
        (p) => html`<tr><td>${p.class}</td>${pct(p.reference)}${estimated ? html`${pct(p.estimated)}<td class="num">${p.lo !== undefined && p.lo !== null && p.hi !== undefined && p.hi !== null ? `${(p.lo * 100).toFixed(1)}–${(p.hi * 100).toFixed(1)}%` : '—'}</td>` : ''}${measured ? pct(p.measured) : ''}${n(p.weight)}</tr>`,
      )}</tbody></table>${capNote(priors.length, shown.length, 'classes')}`,
    });
  }
  const slices = detail(d, 'slices', SlicesSchema);
  if (slices) {
    const rows = [...slices].sort((a, b) => (a.adjustedPValue ?? a.pValue ?? 1) - (b.adjustedPValue ?? b.pValue ?? 1)).slice(0, VIEW_LIMITS.tableRows);
    views.push({
      wide: true,
      handled: ['slices'],
      html: html`<table><thead><tr><th>slice</th><th>rows</th><th>error rate</th><th>baseline</th><th>lift</th><th>p</th><th>adjusted p</th></tr></thead><tbody>${rows.map(
        (s) => html`<tr><td>${s.predicates.map((p, i) => html`${i ? html` <span class="muted">and</span> ` : ''}<code>${p}</code>`)}</td>${n(s.rows)}${pct(s.errorRate)}${pct(s.baselineErrorRate)}${n(s.lift)}${n(s.pValue)}${n(s.adjustedPValue)}</tr>`,
      )}</tbody></table>${capNote(slices.length, rows.length, 'slices')}`,
    });
  }
  const clusters = detail(d, 'clusters', ClustersSchema);
  if (clusters && isKind(check, CHECKS.novelty) && clusters.some((c) => c.candidate)) {
    views.push({ wide: true, handled: [], html: html`<p>${segmentsHtml(noveltyReading(check, context.newClasses ?? []))}</p>` });
  }
  if (clusters) {
    const rows = clusters.slice(0, VIEW_LIMITS.tableRows);
    const estimated = clusters.some((c) => c.estimatedRows !== undefined);
    views.push({
      wide: true,
      handled: ['clusters'],
      html: html`<table><thead><tr><th>cluster</th><th>size</th>${estimated ? html`<th>est. rows</th>` : ''}<th>mean confidence</th><th>dominant label</th><th>rows</th></tr></thead><tbody>${rows.map(
        (c, i) => html`<tr><td>${i + 1}</td>${n(c.size)}${estimated ? n(c.estimatedRows) : ''}${n(c.meanConfidence)}<td>${c.dominantLabel ?? html`<span class="muted">unlabelled</span>`}</td><td>${Array.isArray(c.rows) ? html`${c.rows.slice(0, 8).map((r, k) => html`${k ? ', ' : ''}${scalar(r)}`)}${c.rows.length > 8 ? ' …' : ''}` : scalar(c.rows)}</td></tr>`,
      )}</tbody></table>${capNote(clusters.length, rows.length, 'clusters')}`,
    });
  }
  if (isKind(check, CHECKS.evidenceOverTime) && check.details) {
    views.push(...evidenceViews(check, context));
    return views;
  }
  const chunks = detail(d, 'chunks', ChunksSchema);
  if (chunks) {
    const points = chunks.filter((c) => c.statistic !== null && Number.isFinite(Date.parse(c.start))).map((c) => ({ start: new Date(c.start), statistic: c.statistic! }));
    const since = typeof d?.since === 'number' ? new Date(d.since) : typeof d?.since === 'string' ? new Date(d.since) : undefined;
    const minEffect = untyped(check).threshold?.minEffect;
    if (points.length) {
      views.push({
        handled: ['chunks', 'since'],
        html: html`<figure>${timeline(points, since && Number.isFinite(since.getTime()) ? since : undefined, minEffect)}<figcaption>Drift statistic per time chunk${minEffect !== undefined ? `; dashed: the threshold ${formatFigure(minEffect)}` : ''}${since ? '; orange: the onset' : ''}.</figcaption></figure>`,
      });
    }
  }
  return views;
}
