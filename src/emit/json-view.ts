import { formatFigure, html, Html } from './html.js';

/**
 * Any JSON value as bounded HTML: scalars as text, lists of records as tables, records as key/value tables.
 * Used for details the report has no dedicated view for, and for sections added to results.json later. The caps
 * keep a report readable and small whatever the input holds; results.json has everything.
 */
export const LIMITS = { rows: 50, columns: 12, listItems: 30, text: 400, depth: 3 } as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

export function scalar(v: unknown): Html {
  if (v === null || v === undefined) return html`<span class="muted">—</span>`;
  if (typeof v === 'number') return html`${formatFigure(v)}`;
  const s = String(v);
  return html`${s.length > LIMITS.text ? `${s.slice(0, LIMITS.text)}…` : s}`;
}

const more = (n: number, what: string) => (n > 0 ? html`<p class="muted">… ${n} more ${what} in results.json</p>` : html``);

export function jsonView(value: unknown, depth = 0): Html {
  if (isScalar(value) || value === undefined) return scalar(value);
  if (depth >= LIMITS.depth) {
    const s = JSON.stringify(value);
    return html`<code>${s.length > LIMITS.text ? `${s.slice(0, LIMITS.text)}…` : s}</code>`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">none</span>`;
    if (value.every(isScalar)) {
      const shown = value.slice(0, LIMITS.listItems);
      return html`${shown.map((v, i) => html`${i ? ', ' : ''}${scalar(v)}`)}${value.length > shown.length ? html` <span class="muted">… ${value.length - shown.length} more</span>` : ''}`;
    }
    if (value.every(isRecord)) return recordsTable(value as Record<string, unknown>[], depth);
    const shown = value.slice(0, LIMITS.rows);
    return html`<ol>${shown.map((v) => html`<li>${jsonView(v, depth + 1)}</li>`)}</ol>${more(value.length - shown.length, 'items')}`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return html`<span class="muted">empty</span>`;
    const shown = entries.slice(0, LIMITS.rows);
    return html`<table class="kv"><tbody>${shown.map(([k, v]) => html`<tr><th>${k}</th><td>${jsonView(v, depth + 1)}</td></tr>`)}</tbody></table>${more(entries.length - shown.length, 'keys')}`;
  }
  return scalar(String(value));
}

export function recordsTable(rows: Record<string, unknown>[], depth = 0): Html {
  const keys: string[] = [];
  for (const r of rows.slice(0, LIMITS.rows)) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const cols = keys.slice(0, LIMITS.columns);
  const shown = rows.slice(0, LIMITS.rows);
  return html`<table><thead><tr>${cols.map((k) => html`<th>${k}</th>`)}</tr></thead><tbody>${shown.map(
    (r) => html`<tr>${cols.map((k) => (typeof r[k] === 'number' ? html`<td class="num">${scalar(r[k])}</td>` : html`<td>${jsonView(r[k], depth + 1)}</td>`))}</tr>`,
  )}</tbody></table>${more(rows.length - shown.length, 'rows')}${keys.length > cols.length ? html`<p class="muted">${keys.length - cols.length} more columns in results.json</p>` : ''}`;
}
