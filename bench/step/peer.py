"""The peer of `npm run bench:step`: pandas + SciPy running the per-column drift tests moa runs by default on the
same files. numeric: two-sample KS, Wasserstein distance in reference sd, PSI on reference deciles and null shares
per column, Benjamini-Hochberg over columns. categorical: chi-square on the contingency table of counts and the
Jensen-Shannon distance per column. Prints one summary line (drifted columns) last.
Usage: peer.py numeric|categorical REFERENCE.csv OPERATIONAL.csv"""
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon


def bh(p, alpha=0.05):
    p = np.asarray(p)
    order = np.argsort(p)
    m = len(p)
    passed = p[order] <= alpha * np.arange(1, m + 1) / m
    k = np.max(np.nonzero(passed)[0]) + 1 if passed.any() else 0
    rejected = np.zeros(m, bool)
    rejected[order[:k]] = True
    return rejected


def numeric(ref, op):
    pvalues, effects = [], []
    for name in ref.columns:
        a = ref[name].to_numpy(dtype=float)
        b = op[name].to_numpy(dtype=float)
        null_shares = (np.isnan(a).mean(), np.isnan(b).mean())
        a, b = a[~np.isnan(a)], b[~np.isnan(b)]
        ks = stats.ks_2samp(a, b)
        w = stats.wasserstein_distance(a, b) / np.std(a)
        edges = np.unique(np.quantile(a, np.linspace(0, 1, 11)))
        pa = np.histogram(a, edges)[0] / len(a) + 1e-6
        pb = np.histogram(np.clip(b, edges[0], edges[-1]), edges)[0] / len(b) + 1e-6
        psi = float(np.sum((pb - pa) * np.log(pb / pa)))
        pvalues.append(ks.pvalue)
        effects.append(w)
        print(f"{name}: KS {ks.statistic:.4f} p {ks.pvalue:.3g} W/sd {w:.4f} PSI {psi:.4f} nulls {null_shares[0]:.3f}/{null_shares[1]:.3f}")
    drifted = bh(pvalues) & (np.asarray(effects) >= 0.1)
    print(f"{int(drifted.sum())} of {len(pvalues)} columns drifted")


def categorical(ref, op):
    pvalues, effects = [], []
    for name in ref.columns:
        a = ref[name].value_counts()
        b = op[name].value_counts()
        table = pd.concat([a, b], axis=1).fillna(0).to_numpy().T
        chi2, p, _, _ = stats.chi2_contingency(table)
        js = jensenshannon(table[0] / table[0].sum(), table[1] / table[1].sum(), base=2)
        pvalues.append(p)
        effects.append(js)
        print(f"{name}: chi2 {chi2:.1f} p {p:.3g} JS {js:.4f}")
    drifted = bh(pvalues) & (np.asarray(effects) >= 0.1)
    print(f"{int(drifted.sum())} of {len(pvalues)} columns drifted")


if __name__ == "__main__":
    kind, reference, operational = sys.argv[1:4]
    dtype = "category" if kind == "categorical" else None
    ref = pd.read_csv(reference, dtype=dtype)
    op = pd.read_csv(operational, dtype=dtype)
    (numeric if kind == "numeric" else categorical)(ref, op)
