/**
 * Charts for the report as inline SVG, drawn at build time by Observable Plot on linkedom's server-side DOM: the
 * report carries no JavaScript (sandboxed viewers in KFP and Argo block it). Data-derived text reaches the SVG only
 * as DOM text nodes, which the serializer escapes.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { html, Html } from './html.js';
import type { ReliabilityBin } from '../audit/reliability.js';

export const COLORS = { reference: '#8a99ab', operational: '#d97706', estimated: '#2563eb' } as const;

type PlotDocument = NonNullable<Plot.PlotOptions['document']>;
/** The part of a DOM element used here (the project compiles without the DOM lib). */
interface SvgElement {
  outerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): Iterable<SvgElement>;
}

let shared: PlotDocument | undefined;
function dom(): PlotDocument {
  // One document serves every chart: Plot builds detached nodes and we only serialize them.
  shared ??= parseHTML('<!DOCTYPE html><html><head></head><body></body></html>').document as unknown as PlotDocument;
  return shared;
}

function svg(options: Plot.PlotOptions): Html {
  const node = Plot.plot({ ...options, document: dom(), style: { fontSize: '11px', overflow: 'visible' } }) as unknown as SvgElement;
  roundGeometry(node);
  return new Html(node.outerHTML);
}

const GEOMETRY = ['d', 'transform', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'width', 'height'];

/** Plot writes coordinates at full double precision; two decimals are plenty for a picture and keep files small. */
function roundGeometry(root: SvgElement): void {
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const name of GEOMETRY) {
      const v = el.getAttribute(name);
      if (v && /\d\.\d{3}/.test(v)) el.setAttribute(name, v.replace(/(\d\.\d{2})\d+/g, '$1'));
    }
  }
}

const shorten = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Room for tick labels at 11px: about 6.2px a character (labels are cut at 28 characters). */
const labelRoom = (names: string[], min = 40) => Math.max(min, 14 + 6.2 * Math.max(0, ...names.map((n) => [...n].length)));

export interface NumericDistribution {
  kind: 'numeric';
  edges: number[];
  reference: number[];
  operational: number[];
}
export interface CategoricalDistribution {
  kind: 'categorical';
  categories: string[];
  reference: number[];
  operational: number[];
}

/** Reference as grey bars, operational as an orange step line, both as shares of their rows. */
export function numericDistributionChart(d: NumericDistribution, width = 360): Html {
  const bins = d.reference.map((r, i) => ({ x1: d.edges[i]!, x2: d.edges[i + 1]!, reference: r, operational: d.operational[i] ?? 0 }));
  const steps = bins.flatMap((b) => [
    { x: b.x1, y: b.operational },
    { x: b.x2, y: b.operational },
  ]);
  return svg({
    width,
    height: 170,
    marginLeft: 40,
    x: { label: null, nice: false, ticks: 5 },
    y: { label: 'share', grid: true, ticks: 4, tickFormat: '.0%' },
    marks: [
      Plot.rectY(bins, { x1: 'x1', x2: 'x2', y: 'reference', fill: COLORS.reference, fillOpacity: 0.55, insetLeft: 0.5, insetRight: 0.5 }),
      Plot.line(steps, { x: 'x', y: 'y', stroke: COLORS.operational, strokeWidth: 2 }),
      Plot.ruleY([0]),
    ],
  });
}

/** Grouped horizontal bars per category: reference above operational. */
export function categoricalDistributionChart(d: CategoricalDistribution, width = 360): Html {
  const labels = uniqueLabels(d.categories);
  const data = labels.flatMap((c, i) => [
    { category: c, dataset: 'reference', share: d.reference[i] ?? 0 },
    { category: c, dataset: 'operational', share: d.operational[i] ?? 0 },
  ]);
  return svg({
    width,
    height: 30 + labels.length * 18,
    marginLeft: labelRoom(labels),
    x: { label: 'share', grid: true, ticks: 4, tickFormat: '.0%' },
    y: { axis: null, domain: ['reference', 'operational'] },
    fy: { label: null, domain: labels, padding: 0.15 },
    color: { domain: ['reference', 'operational'], range: [COLORS.reference, COLORS.operational] },
    marks: [Plot.barX(data, { x: 'share', y: 'dataset', fy: 'category', fill: 'dataset' }), Plot.ruleX([0])],
  });
}

/** Tick labels must be unique for a band scale; long names are cut, so make the cut names distinct again. */
function uniqueLabels(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const s = shorten(n);
    const k = seen.get(s) ?? 0;
    seen.set(s, k + 1);
    return k ? `${s} (${k + 1})` : s;
  });
}

/** Reliability diagram: accuracy against mean confidence per bin, dot area by rows; the diagonal is calibration. */
export function reliabilityChart(bins: ReliabilityBin[], baseline?: ReliabilityBin[]): Html {
  const series = (b: ReliabilityBin[], color: string) => [
    Plot.line(b, { x: 'confidence', y: 'accuracy', stroke: color }),
    Plot.dot(b, { x: 'confidence', y: 'accuracy', r: 'count', fill: color }),
  ];
  return svg({
    width: 320,
    height: 280,
    marginLeft: 44,
    x: { domain: [0, 1], label: 'mean confidence', grid: true },
    y: { domain: [0, 1], label: 'accuracy', grid: true },
    r: { range: [2, 9] },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#9aa3ad', strokeDasharray: '4 3' }),
      ...(baseline?.length ? series(baseline, COLORS.reference) : []),
      ...series(bins, baseline?.length ? COLORS.operational : COLORS.estimated),
    ],
  });
}

/** ROC curve (binary classification). */
export function rocChart(points: { fpr: number; tpr: number }[]): Html {
  const sorted = [...points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
  return svg({
    width: 300,
    height: 280,
    marginLeft: 44,
    x: { domain: [0, 1], label: 'false positive rate', grid: true },
    y: { domain: [0, 1], label: 'true positive rate', grid: true },
    marks: [Plot.line([[0, 0], [1, 1]], { stroke: '#9aa3ad', strokeDasharray: '4 3' }), Plot.line(sorted, { x: 'fpr', y: 'tpr', stroke: COLORS.estimated, strokeWidth: 2 })],
  });
}

/**
 * Precision–recall curve (binary classification): precision held over each step of recall, as average precision
 * sums it; the dashed line is a classifier without skill (precision = the share of positives).
 */
export function precisionRecallChart(points: { tpr: number; precision: number }[], chance?: number): Html {
  const sorted = [...points].sort((a, b) => a.tpr - b.tpr || b.precision - a.precision);
  return svg({
    width: 300,
    height: 280,
    marginLeft: 44,
    x: { domain: [0, 1], label: 'recall', grid: true },
    y: { domain: [0, 1], label: 'precision', grid: true },
    marks: [
      ...(chance !== undefined ? [Plot.ruleY([chance], { stroke: '#9aa3ad', strokeDasharray: '4 3' })] : []),
      Plot.line(sorted, { x: 'tpr', y: 'precision', stroke: COLORS.estimated, strokeWidth: 2, curve: 'step-before' }),
    ],
  });
}

/** Horizontal bars, largest first (e.g. feature importance of a domain classifier). */
export function rankedBars(rows: { name: string; value: number }[], xLabel: string): Html {
  const names = uniqueLabels(rows.map((r) => r.name));
  const data = rows.map((r, i) => ({ name: names[i]!, value: r.value }));
  return svg({
    width: 520,
    height: 36 + data.length * 16,
    marginLeft: labelRoom(names),
    x: { label: xLabel, grid: true },
    y: { label: null, domain: names },
    marks: [Plot.barX(data, { x: 'value', y: 'name', fill: COLORS.estimated }), Plot.ruleX([0])],
  });
}

export interface PriorRow {
  class: string;
  reference: number;
  /** BBSE's estimate, absent when only measured priors exist. */
  estimated?: number;
  measured?: number;
  lo?: number;
  hi?: number;
}

/** Class priors: reference as a grey tick, the estimate as a dot with its interval, measured priors as a diamond. */
export function priorsChart(rows: PriorRow[]): Html {
  const names = uniqueLabels(rows.map((r) => r.class));
  const data = rows.map((r, i) => ({ ...r, name: names[i]! }));
  const withCi = data.filter((d) => Number.isFinite(d.lo) && Number.isFinite(d.hi));
  return svg({
    width: 480,
    height: 40 + data.length * 20,
    marginLeft: labelRoom(names),
    x: { label: 'class share', grid: true, tickFormat: '.0%' },
    y: { label: null, domain: names },
    marks: [
      Plot.ruleY(withCi, { y: 'name', x1: 'lo', x2: 'hi', stroke: COLORS.estimated, strokeOpacity: 0.6, strokeWidth: 3 }),
      Plot.tickX(data, { y: 'name', x: 'reference', stroke: COLORS.reference, strokeWidth: 3 }),
      Plot.dot(data.filter((d) => Number.isFinite(d.estimated)), { y: 'name', x: 'estimated', fill: COLORS.estimated, r: 4 }),
      Plot.dot(data.filter((d) => Number.isFinite(d.measured)), { y: 'name', x: 'measured', fill: COLORS.operational, symbol: 'diamond', r: 4 }),
    ],
  });
}

/** A statistic over time, with an optional threshold line and a marker at `since`. */
export function timeline(points: { start: Date; statistic: number }[], since?: Date, threshold?: number): Html {
  return svg({
    width: 480,
    height: 200,
    marginLeft: 44,
    x: { type: 'utc', label: null, ticks: 5 },
    y: { label: 'statistic', grid: true, zero: true },
    marks: [
      ...(threshold !== undefined ? [Plot.ruleY([threshold], { stroke: '#9aa3ad', strokeDasharray: '4 3' })] : []),
      ...(since ? [Plot.ruleX([since], { stroke: COLORS.operational, strokeWidth: 2 })] : []),
      Plot.line(points, { x: 'start', y: 'statistic', stroke: COLORS.estimated, curve: 'step-after' }),
      Plot.dot(points, { x: 'start', y: 'statistic', fill: COLORS.estimated, r: 2.5 }),
    ],
  });
}

/** One measure per chunk: its value, and the range "no change" leaves it in (the reference band). */
export interface ChunkPoint {
  start: number;
  end: number;
  value: number | null;
  lo?: number;
  hi?: number;
}
export interface ChunkPanel {
  label: string;
  points: ChunkPoint[];
  /** The baseline's value, drawn as a line through the band. */
  reference?: number;
  /** Outside the band on this side is worse: those chunks are drawn in orange. */
  worse: 'below' | 'above';
}

/**
 * Small multiples over time: one narrow chart per measure, all on the same x axis (event time, or row numbers
 * without a timestamp), each chunk's value at its middle, the reference band as grey boxes per chunk window.
 */
export function chunkPanels(panels: ChunkPanel[], axis: 'time' | 'rows', width = 540): Html {
  const all = panels.flatMap((p) => p.points);
  const x = (t: number) => (axis === 'time' ? new Date(t) : t);
  const domain = [x(Math.min(...all.map((p) => p.start))), x(Math.max(...all.map((p) => p.end)))];
  return html`${panels.map((panel) => {
    const data = panel.points.map((p) => ({
      x1: x(p.start),
      x2: x(p.end),
      mid: x((p.start + p.end) / 2),
      value: p.value,
      lo: p.lo,
      hi: p.hi,
      outside: p.value !== null && (panel.worse === 'below' ? p.lo !== undefined && p.value < p.lo : p.hi !== undefined && p.value > p.hi),
    }));
    const banded = data.filter((d) => d.lo !== undefined && d.hi !== undefined);
    const valued = data.filter((d) => d.value !== null);
    return svg({
      width,
      height: 150,
      marginLeft: 48,
      marginRight: 12,
      x: { type: axis === 'time' ? 'utc' : 'linear', domain, label: null, ticks: 5 },
      y: { label: panel.label, grid: true, ticks: 4 },
      marks: [
        Plot.rectY(banded, { x1: 'x1', x2: 'x2', y1: 'lo', y2: 'hi', fill: COLORS.reference, fillOpacity: 0.3 }),
        ...(panel.reference !== undefined ? [Plot.ruleY([panel.reference], { stroke: COLORS.reference, strokeWidth: 1.5 })] : []),
        Plot.line(valued, { x: 'mid', y: 'value', stroke: COLORS.estimated }),
        Plot.dot(valued, { x: 'mid', y: 'value', r: 3, fill: (d: { outside: boolean }) => (d.outside ? COLORS.operational : COLORS.estimated) }),
      ],
    });
  })}`;
}
