import { POLICIES, REGIME_LABEL, K, type MoaRun, type Policy, type Regime, type StreamRun } from './prequential.js';

export const POLICY_LABEL: Record<Policy, string> = {
  never: 'never',
  always: 'always',
  sliding: `sliding(${K})`,
  periodic: `periodic(${K})`,
  drift: 'drift share ≥ .5',
  ddm: 'DDM',
  moa: 'moa trigger',
  moa_manifest: 'moa manifest',
  moa_history: 'moa --history',
};

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
function meanSe(v: number[]): { mean: number; se: number } {
  const m = mean(v);
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1)) : NaN;
  return { mean: m, se: sd / Math.sqrt(v.length) };
}

/** A comparison of two policies in points (positive: the first is better), paired by window, averaged over seeds. */
export interface Paired {
  mean: number;
  se: number;
}

export interface Summary {
  stream: string;
  regime: Regime;
  metric: 'accuracy' | 'rmse';
  seeds: number;
  windows: number;
  score: Partial<Record<Policy, number>>;
  retrains: Partial<Record<Policy, number>>;
  /** moa trigger against each other policy; `manifest` is moa manifest against moa trigger. */
  vs: Partial<Record<Policy, Paired>>;
  manifestVsTrigger: Paired | null;
  manifestTrainedOnFault: number;
  faults: { kind: string; column: string; caughtOnItsWindow: boolean }[];
  /** fix_data on runs whose input held no faulty row (moa trigger and moa manifest runs, each counted once). */
  falseFixData: number;
  runs: number;
  cleanRuns: number;
  actions: Record<string, number>;
  /** Windows between the new class's first window and moa's first report of it, per seed (null: never). */
  newClassDelay: (number | null)[] | null;
  testsPerRun: number;
  secondsPerRun: { mean: number; max: number };
  errors: string[];
  targets: { name: string; met: boolean | null; figure: string }[];
}

/**
 * Points: accuracy × 100 for classification; for RMSE, the difference in per cent of always-retrain's RMSE (so
 * "1 point" is 1 % of the error), signed so that positive means the first policy is better.
 */
function pointsOf(metric: 'accuracy' | 'rmse', a: number, b: number, scale: number): number {
  return metric === 'accuracy' ? (a - b) * 100 : ((b - a) / scale) * 100;
}

/**
 * The figures of one stream and regime over its seeds. The injected fault's window is served broken by every
 * policy alike (what a model predicts from values ×100 is noise, thousands of RMSE points on bike), so it is left
 * out of the scores; training on it afterwards is what separates the policies, and that stays in.
 */
export function summarize(allRuns: StreamRun[]): Summary {
  const runs = allRuns.map((r) => ({
    ...r,
    policies: Object.fromEntries(Object.entries(r.policies).map(([k, p]) => [k, { ...p, scores: p.scores.filter((_, i) => r.firstWindow + i !== r.fault.window) }])),
  })) as StreamRun[];
  const first = runs[0]!;
  const metric = first.metric;
  const present = POLICIES.filter((p) => first.policies[p]);
  const score: Summary['score'] = {};
  const retrains: Summary['retrains'] = {};
  for (const p of present) {
    score[p] = mean(runs.map((r) => mean(r.policies[p]!.scores)));
    retrains[p] = mean(runs.map((r) => r.policies[p]!.retrains));
  }
  const scale = score.always ?? 1;
  const paired = (a: Policy, b: Policy): Paired => {
    const nW = first.policies[a]!.scores.length;
    const perWindow = Array.from({ length: nW }, (_, w) => mean(runs.map((r) => pointsOf(metric, r.policies[a]!.scores[w]!, r.policies[b]!.scores[w]!, scale))));
    return meanSe(perWindow);
  };
  const vs: Summary['vs'] = {};
  for (const p of present) if (p !== 'moa') vs[p] = paired('moa', p);
  const manifestVsTrigger = score.moa_manifest !== undefined ? paired('moa_manifest', 'moa') : null;

  // Each distinct moa run once: the two moa policies share runs until their models differ
  // (a shared run is the same object in both lists).
  const all = [...new Set<MoaRun>(runs.flatMap((r) => [...(r.policies.moa?.runs ?? []), ...(r.policies.moa_manifest?.runs ?? [])]))];
  const actions: Record<string, number> = {};
  for (const m of all) actions[m.action] = (actions[m.action] ?? 0) + 1;
  const trigger = runs.map((r) => r.policies.moa!.runs);
  const faults = runs.map((r, k) => ({ kind: r.fault.kind, column: r.fault.column, caughtOnItsWindow: trigger[k]!.some((m) => m.sawFault && m.window === r.fault.window && m.action === 'fix_data') }));
  const falseFixData = all.filter((m) => !m.sawFault && m.action === 'fix_data').length;
  const newClassDelay = first.newClass
    ? runs.map((r, k) => {
        const hit = trigger[k]!.find((m) => m.newClass && m.window >= r.newClass!.window);
        return hit ? hit.window - r.newClass!.window : null;
      })
    : null;
  const ok = all.filter((m) => m.action !== 'error');
  const summary: Summary = {
    stream: first.stream,
    regime: first.regime,
    metric,
    seeds: runs.length,
    windows: first.policies.never!.scores.length,
    score,
    retrains,
    vs,
    manifestVsTrigger,
    manifestTrainedOnFault: runs.filter((r) => r.policies.moa_manifest?.trainedOnFault).length,
    faults,
    falseFixData,
    runs: all.length,
    cleanRuns: all.filter((m) => !m.sawFault).length,
    actions,
    newClassDelay,
    testsPerRun: ok.length ? mean(ok.map((m) => m.testsRun)) : NaN,
    secondsPerRun: { mean: all.length ? mean(all.map((m) => m.seconds)) : NaN, max: Math.max(...all.map((m) => m.seconds)) },
    errors: [...new Set(all.filter((m) => m.error).map((m) => m.error!))],
    targets: [],
  };
  summary.targets = targets(summary);
  return summary;
}

const pt = (p: Paired | undefined | null) => (p ? `${p.mean >= 0 ? '+' : ''}${p.mean.toFixed(2)} ± ${Number.isNaN(p.se) ? '—' : p.se.toFixed(2)}` : '—');

/** The issue's targets, each with the figure it was judged on (null: cannot be judged on this stream). */
function targets(s: Summary): Summary['targets'] {
  const out: Summary['targets'] = [];
  const r = s.retrains;
  for (const p of ['periodic', 'drift', 'ddm'] as const) {
    const d = s.vs[p]!;
    const good = d.mean >= -(Number.isNaN(d.se) ? 0 : d.se);
    const fewer = r.moa! <= r[p]!;
    out.push({ name: `moa ≥ ${POLICY_LABEL[p]} at ≤ retrains`, met: good && fewer, figure: `${pt(d)} pt, ${r.moa!.toFixed(1)} vs ${r[p]!.toFixed(1)} retrains` });
  }
  const a = s.vs.always!;
  out.push({ name: 'moa within 1 pt of always, ≤ ½ its retrains', met: a.mean >= -1 && r.moa! <= r.always! / 2, figure: `${pt(a)} pt, ${r.moa!.toFixed(1)} vs ${r.always!.toFixed(1)} retrains` });
  if (s.manifestVsTrigger) {
    const m = s.manifestVsTrigger;
    out.push({ name: 'manifest ≥ moa trigger', met: m.mean >= -(Number.isNaN(m.se) ? 0 : m.se), figure: `${pt(m)} pt` });
    out.push({ name: 'manifest never trains on the broken window', met: s.manifestTrainedOnFault === 0, figure: `${s.manifestTrainedOnFault}/${s.seeds} seeds did` });
  }
  if (s.newClassDelay) {
    const met = s.newClassDelay.every((d) => d !== null && d <= 1);
    out.push({ name: 'new class reported within one window', met, figure: `delay ${s.newClassDelay.map((d) => (d === null ? 'never' : d)).join(', ')}` });
  }
  out.push({ name: 'no fix_data on clean windows', met: s.falseFixData === 0, figure: `${s.falseFixData} of ${s.cleanRuns} clean runs` });
  out.push({ name: 'every fault: fix_data on its window', met: s.faults.every((f) => f.caughtOnItsWindow), figure: s.faults.map((f) => `${f.kind}(${f.column}) ${f.caughtOnItsWindow ? 'caught' : 'missed'}`).join(', ') });
  return out;
}

function fmtScore(metric: 'accuracy' | 'rmse', v: number | undefined): string {
  if (v === undefined) return '—';
  return metric === 'accuracy' ? v.toFixed(3) : v.toFixed(1);
}

/** Three Markdown tables: scores with retrains, paired differences, and moa's own behaviour with the targets. */
export function formatTables(summaries: Summary[], o: { historyNote: string | null }): string {
  const withHistory = summaries.some((s) => s.score.moa_history !== undefined);
  const cols: Policy[] = ['never', 'always', 'sliding', 'periodic', 'drift', 'ddm', 'moa', 'moa_manifest'];
  const head1 = ['stream', 'labels', 'metric', ...cols.map((p) => POLICY_LABEL[p]), POLICY_LABEL.moa_history];
  const lines = [`| ${head1.join(' | ')} |`, `| ${head1.map((_, i) => (i < 3 ? '---' : '---:')).join(' | ')} |`];
  for (const s of summaries) {
    const cell = (p: Policy) => (s.score[p] === undefined ? '—' : `${fmtScore(s.metric, s.score[p])} (${s.retrains[p]!.toFixed(1)})`);
    const history = withHistory ? cell('moa_history') : (o.historyNote ?? '—');
    lines.push(`| ${[s.stream, REGIME_LABEL[s.regime], s.metric, ...cols.map(cell), history].join(' | ')} |`);
  }
  const head2 = ['stream', 'labels', 'moa − always', 'moa − sliding', 'moa − periodic', 'moa − drift', 'moa − DDM', 'moa − never', 'manifest − moa'];
  const lines2 = [`| ${head2.join(' | ')} |`, `| ${head2.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`];
  for (const s of summaries) {
    lines2.push(`| ${[s.stream, REGIME_LABEL[s.regime], pt(s.vs.always), pt(s.vs.sliding), pt(s.vs.periodic), pt(s.vs.drift), pt(s.vs.ddm), pt(s.vs.never), pt(s.manifestVsTrigger)].join(' | ')} |`);
  }
  const head3 = ['stream', 'labels', 'seeds', 'moa runs', 'actions', 'tests / run', 's / run (mean, max)', 'targets met', 'missed (figure)'];
  const lines3 = [`| ${head3.join(' | ')} |`, `| ${head3.map((_, i) => (i >= 2 && i <= 5 ? '---:' : '---')).join(' | ')} |`];
  for (const s of summaries) {
    const judged = s.targets.filter((t) => t.met !== null);
    const missed = judged.filter((t) => !t.met).map((t) => `${t.name} (${t.figure})`);
    lines3.push(
      `| ${[
        s.stream,
        REGIME_LABEL[s.regime],
        s.seeds,
        s.runs,
        Object.entries(s.actions)
          .sort()
          .map(([a, n]) => `${a} ${n}`)
          .join(', '),
        s.testsPerRun.toFixed(1),
        `${s.secondsPerRun.mean.toFixed(1)}, ${s.secondsPerRun.max.toFixed(1)}`,
        `${judged.length - missed.length}/${judged.length}`,
        missed.join('; ') || '—',
      ].join(' | ')} |`,
    );
  }
  return [
    '**Score (retrains)** — mean over the operational windows (the fault’s window left out) and seeds; accuracy: higher is better, RMSE: lower.',
    '',
    lines.join('\n'),
    '',
    '**Paired per-window differences, points ± standard error** (positive: the first policy is better; accuracy × 100, RMSE in % of always-retrain’s RMSE; per window averaged over seeds, SE over windows).',
    '',
    lines2.join('\n'),
    '',
    '**moa itself, and the targets**',
    '',
    lines3.join('\n'),
  ].join('\n');
}

/** Every target of every stream, one line each: what the issue asks, the figure, met or not. */
export function formatTargets(summaries: Summary[]): string {
  const out: string[] = [];
  for (const s of summaries) {
    for (const t of s.targets) out.push(`${t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS'}  ${s.stream} / ${REGIME_LABEL[s.regime]}: ${t.name} — ${t.figure}`);
    for (const e of s.errors) out.push(`ERROR ${s.stream} / ${REGIME_LABEL[s.regime]}: a moa run ended in an error: ${e}`);
  }
  return out.join('\n');
}
