import type { Results } from '../schema/results.js';
import { formatFigure, html, Html } from './html.js';

// No scripts at all, styles inline only: the report must work in sandboxed viewers (KFP, Argo UI).
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d232b}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dde3ea;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e6eaef;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.8rem;font-size:.8rem;font-weight:600}
.pass{background:#e3f5e8;color:#1f6b35}.warn{background:#fff4d6;color:#7a5600}.fail{background:#fde4e4;color:#9b1c1c}
.error{background:#efe4fb;color:#5b2b91}.skipped,.insufficient_data{background:#eceff3;color:#4a5361}
.decision{border:2px solid #c9d3de;border-radius:.6rem;padding:1rem 1.2rem;margin:1rem 0}
.decision.act{border-color:#d97706}.muted{color:#5f6b7a}code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
`;

function badge(status: string): Html {
  return html`<span class="badge ${status}">${status.replace('_', ' ')}</span>`;
}

function figures(f: Record<string, unknown>): Html {
  const entries = Object.entries(f).slice(0, 8);
  return html`${entries.map(([k, v], i) => html`${i ? ', ' : ''}${k}=${formatFigure(v)}`)}`;
}

/** A static, self-contained HTML report: decision first, then the evidence. */
export function renderReport(results: Results): string {
  const { decision, checks, plan } = results;
  const byStage = (stage: string) => checks.filter((c) => c.stage === stage);
  const section = (title: string, list: Results['checks']) =>
    list.length === 0
      ? html``
      : html`<h2>${title}</h2><table><thead><tr><th>check</th><th>status</th><th>method</th><th>figures</th><th>summary</th></tr></thead><tbody>
${list.map((c) => html`<tr id="${c.id}"><td><code>${c.id}</code></td><td>${badge(c.status)}</td><td>${c.method ?? ''}</td><td>${figures(c.figures)}</td><td>${c.summary}</td></tr>
`)}</tbody></table>`;
  const doc = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>moa report: ${decision.action}</title>
<style>${new Html(STYLE)}</style></head>
<body>
<h1>Model operational analysis</h1>
<p class="muted">Run <code>${results.runId}</code> · ${results.finishedAt} · moa ${results.toolVersion} · task: ${results.task ?? 'unknown'}</p>
<div class="decision ${decision.action === 'none' ? '' : 'act'}">
<p><strong>Action: <code>${decision.action}</code></strong> · shift type: <code>${decision.shiftType}</code> · confidence ${decision.confidence.toFixed(2)}</p>
<ul>${decision.reasons.map((r) => html`<li>${r.text} ${r.checks.length ? html`<span class="muted">(${r.checks.slice(0, 6).map((id, i) => html`${i ? ', ' : ''}<a href="#${id}">${id}</a>`)}${r.checks.length > 6 ? ', …' : ''})</span>` : ''}</li>`)}</ul>
<p class="muted">Findings: ${decision.findings.length ? decision.findings.join(', ') : 'none'}</p>
</div>
<h2>Plan</h2>
<p>Tests run: ${plan.testsRun} of ${plan.testsFull}.</p>
${plan.skipped.length ? html`<table><thead><tr><th>skipped</th><th>why</th></tr></thead><tbody>${plan.skipped.map((s) => html`<tr><td><code>${s.id}</code></td><td>${s.reason}</td></tr>`)}</tbody></table>` : ''}
${section('Data and schema', [...byStage('ingest'), ...checks.filter((c) => c.stage === 'analyze' && c.kind !== 'feature_drift')])}
${section('Feature drift', checks.filter((c) => c.kind === 'feature_drift'))}
${section('Performance', byStage('audit'))}
<h2>Reproducibility</h2>
<table><thead><tr><th>input</th><th>URI</th><th>rows</th><th>columns</th><th>objects</th></tr></thead><tbody>
${results.inputs.map((i) => html`<tr><td>${i.role}</td><td><code>${i.uri}</code></td><td class="num">${formatFigure(i.rows)}</td><td class="num">${i.columns}</td><td>${i.objects.slice(0, 5).map((o) => html`<code>${o.uri}</code>${o.etag ? html` <span class="muted">ETag ${o.etag}</span>` : ''}<br>`)}${i.objects.length > 5 ? html`… ${i.objects.length - 5} more` : ''}</td></tr>`)}
</tbody></table>
<details><summary>Resolved configuration (seed ${results.config.seed})</summary><pre><code>${JSON.stringify(results.config, null, 2)}</code></pre></details>
</body></html>
`;
  return doc.value;
}
