import { CHECKS as C, isKind, untyped, type CheckKind, type CheckResult } from '../checks/index.js';
import type { Results } from '../schema/results.js';
import { formatFigure, html, Html } from './html.js';
import { jsonView } from './json-view.js';
import { COLORS } from './charts.js';
import { distributionChart, distributionOf, legend, segmentsHtml, viewsFor, type ViewContext } from './report-views.js';
import { labelledNewClasses, newClassNames, noveltyReading } from './new-classes.js';

// No scripts at all, styles inline only: the report must work in sandboxed viewers (KFP, Argo UI).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Bounds that keep a report with thousands of checks small (a 1000-feature report stays well under 2 MB). */
export const REPORT_LIMITS = { driftCharts: 40, openRows: 25, figures: 10, warnings: 30 } as const;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1150px;padding:0 1rem;color:#1d232b}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #dde3ea;padding-bottom:.2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .4rem}h4{font-size:.95rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e6eaef;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f4f6f9;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{white-space:nowrap}table.checks td:nth-child(4){font-size:.85em;max-width:22rem}table.checks td:last-child{min-width:16rem}
.fig{display:inline-block;margin-right:.5rem;white-space:nowrap}table.checks td:first-child{min-width:11rem}
.views{display:flex;flex-wrap:wrap;gap:0 1.5rem;align-items:flex-start}.view{max-width:100%;overflow-x:auto}.view:not(.wide){max-width:min(100%,540px)}.view.wide{flex-basis:100%}
table.kv th{width:14rem;background:none;font-weight:500;color:#4a5361}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.8rem;font-size:.8rem;font-weight:600;white-space:nowrap}
.pass{background:#e3f5e8;color:#1f6b35}.warn{background:#fff4d6;color:#7a5600}.fail{background:#fde4e4;color:#9b1c1c}
.error{background:#efe4fb;color:#5b2b91}.skipped,.insufficient_data,.degenerate{background:#eceff3;color:#4a5361}
.decision{border:2px solid #c9d3de;border-radius:.6rem;padding:1rem 1.2rem;margin:1rem 0}
.decision.act{border-color:#d97706}.muted{color:#5f6b7a}code{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere}
nav{font-size:.9rem}nav a{margin-right:.8rem}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,370px),1fr));gap:1rem}
figure{margin:.5rem 0;max-width:100%}figcaption{font-size:.85rem;color:#4a5361}figure svg{max-width:100%;height:auto}
.matrix{overflow-x:auto;max-width:100%}table.confusion{width:auto}table.confusion td{min-width:4.5rem;text-align:center;white-space:nowrap}table.confusion small{font-size:.8em}
.warnings{margin:.6rem 0 0;padding:.5rem .8rem;background:#fffaeb;border-radius:.4rem}.warnings ul{margin:.3rem 0;padding-left:1.2rem}
@media (max-width:700px){body{margin:1rem auto}table{display:block;overflow-x:auto;max-width:100%}table.checks td:first-child,table.checks td:last-child{min-width:8rem}}
.legend span{margin-right:1rem;font-size:.85rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px;border-radius:2px}
details>summary{cursor:pointer;color:#28527a}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f8fa;padding:.6rem;font-size:.8rem}
`;

const SEVERITY: Record<string, number> = { fail: 0, error: 1, warn: 2, insufficient_data: 3, degenerate: 3, skipped: 4, pass: 5 };
const bySeverity = (a: CheckResult, b: CheckResult) => (SEVERITY[a.status] ?? 9) - (SEVERITY[b.status] ?? 9) || effectOf(b) - effectOf(a);
/** The size of a change, where a check reports one (drift effect, else its statistic). */
function effectOf(c: CheckResult): number {
  const e = untyped(c).figures.effect ?? untyped(c).figures.statistic;
  return typeof e === 'number' ? e : -1;
}

/** Which section a kind belongs to. Kinds not listed land in "Other checks", grouped by stage and kind. */
const SECTIONS: { id: string; title: string; kinds: CheckKind[] }[] = [
  { id: 'data-quality', title: 'Data quality', kinds: [C.schemaGate.kind, C.dataQuality.kind, C.ingestJoin.kind, C.labelJoin.kind] },
  { id: 'drift', title: 'Drift', kinds: [C.featureDrift.kind, C.outputDrift.kind, C.tensorDrift.kind, C.newClasses.kind, C.novelty.kind, C.labelShift.kind] },
  { id: 'multivariate', title: 'Multivariate drift', kinds: [C.multivariateDrift.kind, C.shiftDiagnosis.kind] },
  { id: 'performance', title: 'Performance', kinds: [C.evidenceOverTime.kind, C.performance.kind, C.estimatedPerformance.kind, C.calibration.kind] },
  { id: 'slices', title: 'Degraded slices', kinds: [C.sliceDegradation.kind] },
];

function badge(status: string, label = status.replace('_', ' ')): Html {
  return html`<span class="badge ${status}">${label}</span>`;
}

function figures(f: Record<string, unknown>): Html {
  const entries = Object.entries(f);
  const shown = entries.slice(0, REPORT_LIMITS.figures);
  return html`${shown.map(([k, v]) => html`<span class="fig"><span class="muted">${k}</span> ${formatFigure(v)}</span> `)}${entries.length > shown.length ? html`<span class="muted">+${entries.length - shown.length}</span>` : ''}`;
}

function checkRow(c: CheckResult): Html {
  const threshold = c.threshold ? Object.entries(c.threshold).map(([k, v]) => `${k} ${formatFigure(v)}`).join(', ') : '';
  return html`<tr id="${c.id}"><td><code>${c.subject ?? c.id}</code>${c.subject ? html`<br><span class="muted">${c.id}</span>` : ''}</td><td>${badge(c.status)}</td><td>${c.method ?? ''}</td><td>${figures(c.figures)}</td><td>${threshold}</td><td>${c.summary}</td></tr>`;
}

const tableHead = html`<thead><tr><th>check</th><th>status</th><th>method</th><th>figures</th><th>threshold</th><th>summary</th></tr></thead>`;

/** All checks of one kind: the ones that need attention open, long tails of passing checks folded away. */
function checkTable(list: CheckResult[]): Html {
  const sorted = [...list].sort(bySeverity);
  if (sorted.length <= REPORT_LIMITS.openRows) return html`<table class="checks">${tableHead}<tbody>${sorted.map(checkRow)}</tbody></table>`;
  const open = sorted.filter((c) => c.status !== 'pass');
  const folded = sorted.filter((c) => c.status === 'pass');
  return html`${open.length ? html`<table class="checks">${tableHead}<tbody>${open.map(checkRow)}</tbody></table>` : ''}
<details><summary>${folded.length} passing checks</summary><table class="checks">${tableHead}<tbody>${folded.map(checkRow)}</tbody></table></details>`;
}

/** Dedicated views for each check's details, then whatever details remain, generically. */
function checkViews(list: CheckResult[], context: ViewContext): Html {
  return html`${list.map((c) => {
    // Charts side by side first, then the tables.
    const views = viewsFor(c, context).sort((a, b) => Number(a.wide ?? false) - Number(b.wide ?? false));
    const handled = new Set(views.flatMap((v) => v.handled));
    // Drift checks share a few test descriptions; driftTests lists them once instead of once per feature.
    if (isKind(c, C.featureDrift)) ['distribution', 'test'].forEach((k) => handled.add(k));
    const rest = Object.fromEntries(Object.entries(untyped(c).details ?? {}).filter(([k]) => !handled.has(k)));
    if (!views.length && !Object.keys(rest).length) return '';
    const restHtml = Object.keys(rest).length ? html`<details><summary>details of <code>${c.id}</code></summary>${jsonView(rest)}</details>` : '';
    return views.length ? html`<h4>${c.subject ?? c.id}</h4><div class="views">${views.map((v) => html`<div class="view${v.wide ? ' wide' : ''}">${v.html}</div>`)}</div>${restHtml}` : restHtml;
  })}`;
}

/** The drift tests used (from `details.test` of each check, as the drift registry describes them), each once. */
function driftTests(drift: CheckResult[]): Html {
  const tests = new Map<string, { describe: string; features: number }>();
  for (const c of drift) {
    const t = untyped(c).details?.test as { id?: unknown; describe?: unknown } | undefined;
    if (!t || typeof t.id !== 'string') continue;
    const seen = tests.get(t.id) ?? { describe: typeof t.describe === 'string' ? t.describe : '', features: 0 };
    seen.features += 1;
    tests.set(t.id, seen);
  }
  if (!tests.size) return html``;
  return html`<ul class="muted">${[...tests].map(([id, t]) => html`<li><code>${id}</code> (${t.features} ${t.features === 1 ? 'feature' : 'features'}): ${t.describe}</li>`)}</ul>`;
}

/** A drift effect as a multiple of its floor (`threshold.minEffect`), so effects on different scales compare. */
function relativeEffect(c: CheckResult): number {
  const e = untyped(c).figures.effect;
  const floor = untyped(c).threshold?.minEffect;
  if (typeof e !== 'number') return -1;
  return typeof floor === 'number' && floor > 0 ? e / floor : e;
}

/** Reference-vs-operational charts for every feature, drifted or not, largest change (relative to its floor) first. */
function driftCharts(drift: CheckResult[]): Html {
  const all = drift.map((c) => ({ c, d: distributionOf(c) })).filter((x) => x.d).sort((a, b) => relativeEffect(b.c) - relativeEffect(a.c));
  const charted = all.slice(0, REPORT_LIMITS.driftCharts);
  const drifted = drift.filter((c) => c.status === 'fail').length;
  if (!charted.length) return drifted ? html`` : html`<p>No feature drifted.</p>`;
  return html`${drifted ? '' : html`<p>No feature drifted.</p>`}<h3>Distributions of the features</h3>
<p class="muted">Training (reference) data against operational data, each as shares of its rows: ${charted.length < all.length ? `the ${charted.length} of ${all.length} features that changed most` : `all ${all.length} features`}, drifted or not, the largest change first (its effect as a multiple of the smallest effect that counts as drift). A feature drifted when the change is both significant and at least that large.</p>
${legend([['reference (training)', COLORS.reference], ['operational', COLORS.operational]])}
<div class="charts">${charted.map(({ c, d }) => {
    const f = untyped(c).figures;
    const floor = untyped(c).threshold?.minEffect;
    return html`<figure>${distributionChart(d!)}<figcaption><a href="#${c.id}"><code>${c.subject ?? c.id}</code></a> ${badge(c.status, c.status === 'fail' ? 'drifted' : c.status === 'warn' ? 'small change' : c.status.replace('_', ' '))} ${c.method ?? ''}${typeof f.effect === 'number' ? ` · effect ${formatFigure(f.effect)}${typeof floor === 'number' ? ` (drift from ${formatFigure(floor)})` : ''}` : ''}${f.adjustedPValue !== undefined ? ` · adjusted p ${formatFigure(f.adjustedPValue)}` : ''}${d!.kind === 'categorical' && d!.other ? ' · rarer categories pooled' : ''}</figcaption></figure>`;
  })}</div>`;
}

function kindGroups(list: CheckResult[], kinds: CheckKind[], context: ViewContext): Html {
  const order = [...kinds, ...new Set(list.map((c) => c.kind).filter((k) => !kinds.includes(k)))];
  return html`${order.map((kind) => {
    const group = list.filter((c) => c.kind === kind);
    if (!group.length) return '';
    const counts = countStatuses(group);
    return html`<h3 id="kind-${kind}">${kind.replace(/_/g, ' ')} <span class="muted">(${counts})</span></h3>
${kind === C.featureDrift.kind ? driftTests(group) : ''}${checkTable(group)}${kind === C.featureDrift.kind ? driftCharts(group) : ''}${checkViews(group, context)}`;
  })}`;
}

function countStatuses(list: CheckResult[]): string {
  const counts = new Map<string, number>();
  for (const c of [...list].sort(bySeverity)) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts].map(([s, k]) => `${k} ${s.replace('_', ' ')}`).join(', ');
}

/** The plan: steps in order with their status, where it stopped, the α spent per step, and skipped tests. */
function planView(plan: Results['plan']): Html {
  // steps / stoppedAt / alpha arrived with the ordered plan; older results.json lack them.
  const { steps, stoppedAt, alpha } = plan as { steps?: unknown; stoppedAt?: unknown; alpha?: unknown };
  const stepList = Array.isArray(steps) ? (steps as { id?: unknown; title?: unknown; status?: unknown; tests?: unknown; reason?: unknown }[]) : [];
  const budget = alpha && typeof alpha === 'object' ? (alpha as Record<string, unknown>) : {};
  return html`<p>Tests run: <strong>${plan.testsRun}</strong> of ${plan.testsFull} in the full battery${plan.testsRun < plan.testsFull ? ' (the plan stopped early or skipped tests; see below)' : ''}.${typeof stoppedAt === 'string' ? html` Stopped after step <code>${stoppedAt}</code>.` : ''}</p>
${stepList.length ? html`<table><thead><tr><th>#</th><th>step</th><th>status</th><th>tests</th><th>α spent</th><th>why skipped</th></tr></thead><tbody>${stepList.map(
    (st, i) => html`<tr><td class="num">${i + 1}</td><td><code>${String(st.id)}</code> ${typeof st.title === 'string' ? st.title : ''}</td><td>${badge(st.status === 'run' ? 'pass' : 'skipped', st.status === 'run' ? 'run' : 'skipped')}</td><td class="num">${formatFigure(st.tests)}</td><td class="num">${typeof budget[String(st.id)] === 'number' ? formatFigure(budget[String(st.id)]) : '—'}</td><td>${typeof st.reason === 'string' ? st.reason : ''}</td></tr>`,
  )}</tbody></table>` : ''}
${plan.skipped.length ? html`<details${stepList.length ? '' : new Html(' open')}><summary>${plan.skipped.length} tests skipped</summary><table><thead><tr><th>skipped</th><th>why</th></tr></thead><tbody>${plan.skipped.slice(0, 50).map((s) => html`<tr><td><code>${s.id}</code></td><td>${s.reason}</td></tr>`)}</tbody></table>${plan.skipped.length > 50 ? html`<p class="muted">… ${plan.skipped.length - 50} more skipped in results.json</p>` : ''}</details>` : ''}
<details><summary>${plan.executed.length} executed, in order</summary><p>${plan.executed.map((id, i) => html`${i ? ', ' : ''}<code>${id}</code>`)}</p></details>`;
}

/**
 * SELECT's choice: the proxy comparison of candidate training sets first (the evidence for the recommendation),
 * then everything else it recorded, generically (so new fields show up without a renderer change).
 */
function selectionView(value: unknown): Html {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return jsonView(value);
  const { recommended, description, candidates, ...rest } = value as Record<string, unknown>;
  const rows = Array.isArray(candidates) ? (candidates as Record<string, unknown>[]).filter((c) => c && typeof c === 'object') : [];
  return html`<p>${typeof recommended === 'string' ? html`Recommended: <strong><code>${recommended}</code></strong>. ` : html`No candidate recommended. `}${typeof description === 'string' ? description : ''}</p>
${rows.length ? html`<h3>Proxy comparison</h3><table><thead><tr><th>candidate</th><th>description</th><th>rows</th><th title="Kish effective sample size of the weights">effective rows</th><th>metric</th><th>value</th><th></th></tr></thead><tbody>${rows.map(
    (c) => html`<tr><td><code>${String(c.name ?? '')}</code></td><td>${String(c.description ?? '')}</td><td class="num">${formatFigure(c.rows)}</td><td class="num">${c.effectiveRows == null ? "" : formatFigure(c.effectiveRows)}</td><td>${String(c.metric ?? '')}</td><td class="num">${formatFigure(c.value)}</td><td>${c.recommended === true ? badge('pass', 'recommended') : ''}</td></tr>`,
  )}</tbody></table>` : ''}
${Object.keys(rest).length ? html`<h3>Selected data</h3>${jsonView(rest)}` : ''}`;
}

/** Top-level sections beyond the core: `selection` (dedicated view) and whatever later versions add (generic). */
function extraSections(results: Results): { key: string; value: unknown }[] {
  const known = new Set(['apiVersion', 'kind', 'runId', 'startedAt', 'finishedAt', 'toolVersion', 'task', 'inputs', 'config', 'checks', 'decision', 'plan']);
  return Object.entries(results as Record<string, unknown>)
    .filter(([k, v]) => !known.has(k) && v !== undefined && v !== null)
    .map(([key, value]) => ({ key, value }));
}

/**
 * Every warning (and every check that could not run) in the decision box, so that a reader of a `none` sees them:
 * gates first, then the rest; features that changed significantly but below the effect floor as one line.
 */
function warningsBox(checks: CheckResult[]): Html {
  const gate = (c: CheckResult) => (c.kind === C.schemaGate.kind || c.kind === C.dataQuality.kind ? 0 : 1);
  const listed = checks.filter((c) => (c.status === 'warn' || c.status === 'error') && !isKind(c, C.featureDrift)).sort((a, b) => gate(a) - gate(b) || (SEVERITY[a.status] ?? 9) - (SEVERITY[b.status] ?? 9));
  const small = checks.filter((c) => c.status === 'warn' && isKind(c, C.featureDrift)).sort((a, b) => relativeEffect(b) - relativeEffect(a));
  if (!listed.length && !small.length) return html``;
  const shown = listed.slice(0, REPORT_LIMITS.warnings);
  return html`<div class="warnings"><strong>Warnings</strong> <span class="muted">(did not fail the run, but worth a look${listed.some((c) => c.status === 'error') ? '; "error" = the check could not run' : ''})</span><ul>${shown.map(
    (c) => html`<li>${badge(c.status)} <a href="#${c.id}">${c.kind.replace(/_/g, ' ')}${c.subject ? html` · <code>${c.subject}</code>` : ''}</a>: ${c.summary}</li>`,
  )}${listed.length > shown.length ? html`<li>… ${listed.length - shown.length} more in the check tables below</li>` : ''}${small.length ? html`<li>${small.length} feature${small.length === 1 ? '' : 's'} changed significantly but less than the effect that counts as drift: ${small.slice(0, 10).map((c, i) => html`${i ? ', ' : ''}<a href="#${c.id}"><code>${c.subject ?? c.id}</code></a>`)}${small.length > 10 ? `, … ${small.length - 10} more` : ''}</li>` : ''}</ul></div>`;
}

/** New classes from the labels, and what novelty's clusters say about them (src/emit/new-classes.ts). */
function newClassLine(checks: CheckResult[]): Html {
  const novelty = checks.find((c) => isKind(c, C.novelty) && (c.status === 'fail' || c.status === 'warn'));
  const parts = [labelledNewClasses(checks), novelty ? noveltyReading(novelty, newClassNames(checks)) : []].filter((p) => p.length);
  return parts.length ? html`<p>${parts.map((p, i) => html`${i ? ' ' : ''}${segmentsHtml(p)}`)}</p>` : html``;
}

/** A static, self-contained HTML report: decision first, then the plan, then the evidence by topic. */
export function renderReport(results: Results): string {
  const { decision, checks, plan } = results;
  const reference = results.inputs.find((i) => i.role === 'reference');
  // The drift-over-time band: KS compares at most 50 numeric features (audit/evidence-over-time.ts).
  const ksFeatures = Math.min(50, checks.filter((c) => isKind(c, C.featureDrift) && c.details?.test?.id === 'ks').length);
  const context: ViewContext = { ...(reference ? { referenceRows: reference.rows } : {}), ...(ksFeatures ? { ksFeatures } : {}), newClasses: newClassNames(checks) };
  const placed = new Set<CheckResult>();
  const take = (pred: (c: CheckResult) => boolean) => {
    const list = checks.filter((c) => !placed.has(c) && pred(c));
    list.forEach((c) => placed.add(c));
    return list;
  };
  const sections = SECTIONS.map((s) => ({ ...s, list: take((c) => s.kinds.includes(c.kind) || (s.id === 'data-quality' && c.stage === 'ingest')) }));
  const selection = take((c) => c.stage === 'select');
  const extras = extraSections(results);
  const other = take(() => true);
  const stages = [...new Set(other.map((c) => c.stage))];
  const nav = [
    ['plan', 'Plan'],
    ...sections.filter((s) => s.list.length).map((s) => [s.id, s.title]),
    ...(selection.length || extras.length ? [['selection', 'Selection']] : []),
    ...(other.length ? [['other', 'Other checks']] : []),
    ['reproducibility', 'Reproducibility'],
  ];
  const doc = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>moa report: ${decision.action}</title>
<style>${new Html(STYLE)}</style></head>
<body>
<h1>Model operational analysis</h1>
<p class="muted">Run <code>${results.runId}</code> · ${results.finishedAt} · moa ${results.toolVersion} · task: ${results.task ?? 'unknown'}</p>
<nav>${nav.map(([id, title]) => html`<a href="#${id}">${title}</a>`)}</nav>
<section id="decision" class="decision ${decision.action === 'none' ? '' : 'act'}">
<p><strong>Action: <code>${decision.action}</code></strong> · shift type: <code>${decision.shiftType}</code> · confidence ${decision.confidence.toFixed(2)}</p>
<ul>${decision.reasons.map((r) => html`<li>${r.text} ${r.checks.length ? html`<span class="muted">(${r.checks.slice(0, 6).map((id, i) => html`${i ? ', ' : ''}<a href="#${id}">${id}</a>`)}${r.checks.length > 6 ? `, … ${r.checks.length - 6} more` : ''})</span>` : ''}</li>`)}</ul>
${newClassLine(checks)}
<p class="muted">Findings: ${decision.findings.length ? decision.findings.join(', ') : 'none'} · checks: ${countStatuses(checks) || 'none'}</p>
${warningsBox(checks)}
</section>
<section id="plan"><h2>Plan as run</h2>
${planView(plan)}
</section>
${sections.map((s) => (s.list.length ? html`<section id="${s.id}"><h2>${s.title}</h2>${kindGroups(s.list, s.kinds, context)}</section>` : ''))}
${selection.length || extras.length ? html`<section id="selection"><h2>Selection</h2>${extras.map((e) => (e.key === 'selection' ? selectionView(e.value) : html`<h3>${e.key}</h3>${jsonView(e.value)}`))}${kindGroups(selection, [], context)}</section>` : ''}
${other.length ? html`<section id="other"><h2>Other checks</h2>${stages.map((st) => html`<h3>stage: ${st}</h3>${kindGroups(other.filter((c) => c.stage === st), [], context)}`)}</section>` : ''}
<section id="reproducibility"><h2>Reproducibility</h2>
<p>moa ${results.toolVersion} · run <code>${results.runId}</code> · started ${results.startedAt} · finished ${results.finishedAt} · seed ${results.config.seed}</p>
<table><thead><tr><th>input</th><th>URI</th><th>format</th><th>rows</th><th>columns</th><th>objects</th></tr></thead><tbody>
${results.inputs.map((i) => html`<tr><td>${i.role}</td><td><code>${i.uri}</code></td><td>${i.format}</td><td class="num">${formatFigure(i.rows)}</td><td class="num">${i.columns}</td><td>${i.objects.slice(0, 5).map((o) => html`<code>${o.uri}</code>${o.etag ? html` <span class="muted">ETag ${o.etag}</span>` : ''}<br>`)}${i.objects.length > 5 ? html`… ${i.objects.length - 5} more` : ''}</td></tr>`)}
</tbody></table>
<details><summary>Resolved configuration</summary><pre><code>${JSON.stringify(results.config, null, 2)}</code></pre></details>
</section>
</body></html>
`;
  return doc.value;
}
