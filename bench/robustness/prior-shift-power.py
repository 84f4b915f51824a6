"""Power of the label-shift test on the robustness suite's prior-shift case at the sizes of the small data sets.

The case doubles the reference share s of the least frequent class with >= 8 % (bench/robustness/cases.ts). moa tests
the class shares with chi-square and per-class exact tails, Bonferroni over the two (src/stats/class-share-change.ts);
here SciPy's chi2_contingency and Fisher's exact test stand in for them (the per-class test is Bonferroni over the
classes), at the label-shift step's alpha (10 % of plan.alpha 0.05) and at 0.05 for comparison.
Run: /usr/bin/python3 bench/robustness/prior-shift-power.py
"""
import numpy as np
from scipy.stats import chi2_contingency, fisher_exact

rng = np.random.default_rng(1)


def power(p_ref, n_ref, p_op, n_op, alpha, reps=2000):
    hits = 0
    k = len(p_ref)
    for _ in range(reps):
        a = rng.multinomial(n_ref, p_ref)
        b = rng.multinomial(n_op, p_op)
        keep = (a + b) > 0
        p_chi = chi2_contingency(np.array([a[keep], b[keep]]), correction=False)[1]
        p_class = min(1.0, k * min(fisher_exact([[a[i], n_ref - a[i]], [b[i], n_op - b[i]]])[1] for i in range(k)))
        hits += min(1.0, 2 * min(p_chi, p_class)) <= alpha
    return hits / reps


def doubled(p, i):
    t = min(2 * p[i], (1 + p[i]) / 2)
    rest = np.delete(p, i)
    out = np.insert(rest / rest.sum() * (1 - t), i, t)
    return out


iris = np.array([1 / 3] * 3)
wine = np.array([59, 71, 48]) / 178
for name, p, i, n_ref, n_op in [("iris", iris, 0, 60, 53), ("wine", wine, 2, 71, 59), ("wine", wine, 2, 71, 31)]:
    q = doubled(p, i)
    print(f"{name}: reference {n_ref} labels, operational {n_op}: power {power(p, n_ref, q, n_op, 0.005):.2f} at alpha 0.005, {power(p, n_ref, q, n_op, 0.05):.2f} at 0.05")
for n in (100, 150, 200):
    print(f"iris-like, {n} labels a side: power {power(iris, n, doubled(iris, 0), n, 0.005, 500):.2f} at alpha 0.005")
