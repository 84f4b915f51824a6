"""Exact optimum of fitSoftmax's objective for the designs bench/scenarios/noise.ts wrote with DUMP=dir.

Weighted mean cross-entropy + (l2/2)|W|^2 on features standardised like fitSoftmax (training mean, population
spread, 1 where constant), minimised by SciPy's L-BFGS-B from zero: the loss a converged fit should reach, and the
future accuracy of that optimum.  Usage: python3 bench/scenarios/lbfgs.py DIR NAME
"""
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

folder, name = sys.argv[1], sys.argv[2]
future = json.load(open(f"{folder}/{name}-future.json"))
for label in ["a", "b", "bHeldOut"]:
    d = json.load(open(f"{folder}/{name}-{label}.json"))
    width, k, l2 = d["width"], d["k"], d["l2"]
    x = np.array(d["x"]).reshape(-1, width)
    y = np.array(d["y"])
    w = np.array(d["w"]) / np.sum(d["w"])
    mean = x.mean(0)
    scale = x.std(0)
    scale[scale == 0] = 1
    z = (x - mean) / scale
    onehot = np.eye(k)[y]

    def objective(theta):
        weights, bias = theta[: k * width].reshape(k, width), theta[k * width :]
        logits = z @ weights.T + bias
        lse = logsumexp(logits, axis=1)
        grad = (np.exp(logits - lse[:, None]) - onehot) * w[:, None]
        loss = np.sum(w * (lse - np.sum(logits * onehot, 1))) + l2 / 2 * np.sum(weights**2)
        return loss, np.concatenate([(grad.T @ z + l2 * weights).ravel(), grad.sum(0)])

    r = minimize(objective, np.zeros(k * width + k), jac=True, method="L-BFGS-B", options={"maxiter": 5000, "gtol": 1e-10, "ftol": 1e-15})
    weights, bias = r.x[: k * width].reshape(k, width), r.x[k * width :]
    xf = (np.array(future["x"]).reshape(-1, width) - mean) / scale
    accuracy = np.mean((xf @ weights.T + bias).argmax(1) == np.array(future["y"]))
    print(f"{label:8s} optimum loss {r.fun:.5f}, future accuracy {accuracy:.4f} ({r.message}, {r.nit} iterations)")
