"""Reference values for Tests/InferenceTests/BayesNetEMTests.swift.

EM with missing values on the lecture's network A -> C <- B, C -> D (all binary), written independently
in NumPy: the joint table of all 16 assignments, posterior completion of each row, expected counts.
Run once from the repository root:  python3 scripts/reference/gmm_bayesnet_em.py
"""
import itertools

import numpy as np

# theta: a, b, c|(a,b) for (0,0),(0,1),(1,0),(1,1), d|c for c=0,1
lecture = dict(a=0.3, b=0.9, c=np.array([0.1, 0.5, 0.6, 0.2]), d=np.array([0.1, 0.8]))
N = None
data = [
    (1, N, N, 0), (1, 1, N, 1), (0, 1, 1, 1), (0, N, 0, 0), (1, 1, 1, N),
    (N, 1, N, 1), (0, 0, N, 0), (1, N, 1, 1), (1, 1, 0, 0), (0, 1, N, N),
    (1, 0, 1, 0), (N, N, 1, 1),
]
ALL = list(itertools.product([0, 1], repeat=4))


def joint(t, x):
    a, b, c, d = x
    p = t["a"] if a else 1 - t["a"]
    p *= t["b"] if b else 1 - t["b"]
    pc = t["c"][2 * a + b]
    p *= pc if c else 1 - pc
    pd = t["d"][c]
    return p * (pd if d else 1 - pd)


def consistent(row, x):
    return all(r is None or r == v for r, v in zip(row, x))


def loglik(t):
    return sum(np.log(sum(joint(t, x) for x in ALL if consistent(row, x))) for row in data)


def em_step(t):
    counts = np.zeros(16)
    for row in data:
        xs = [x for x in ALL if consistent(row, x)]
        ps = np.array([joint(t, x) for x in xs])
        for x, w in zip(xs, ps / ps.sum()):
            counts[ALL.index(x)] += w
    c = counts.reshape(2, 2, 2, 2)  # a, b, c, d
    new = dict(a=c[1].sum() / c.sum(), b=c[:, 1].sum() / c.sum())
    new["c"] = np.array([c[a, b, 1].sum() / c[a, b].sum() for a in (0, 1) for b in (0, 1)])
    new["d"] = np.array([c[:, :, cc, 1].sum() / c[:, :, cc].sum() for cc in (0, 1)])
    return new


ws = [joint(lecture, (1, b, cc, 0)) for b in (1, 0) for cc in (1, 0)]
print("completion weights of (a,?,?,~d) in order (b,c),(b,~c),(~b,c),(~b,~c):",
      [f"{w / sum(ws):.10f}" for w in ws])

t = lecture
trace = [loglik(t)]
for it in range(1, 2001):
    t = em_step(t)
    trace.append(loglik(t))
    if it in (1, 2):
        print(f"after {it} iteration(s): loglik={trace[-1]:.12f} a={t['a']:.12f} b={t['b']:.12f} "
              f"c={np.array2string(t['c'], precision=12)} d={np.array2string(t['d'], precision=12)}")
    if trace[-1] - trace[-2] < 1e-13:
        break
print(f"initial loglik={trace[0]:.12f}")
print(f"converged after {it} iterations: loglik={trace[-1]:.12f} a={t['a']:.12f} b={t['b']:.12f} "
      f"c={np.array2string(t['c'], precision=12)} d={np.array2string(t['d'], precision=12)}")
