"""Reference values for Tests/InferenceTests/CAVITests.swift.

CAVI for the Bayesian mixture of Gaussians (mu_k ~ N(0, tau2), z_i ~ Cat(pi), x_i ~ N(mu_z, sigma2)),
written independently in NumPy/SciPy: the ELBO as E_q[log p(x, z, mu)] - E_q[log q] using scipy's normal
log-density and entropy, and log p(x) by enumerating all K^n assignments with the marginal of each
cluster computed by scipy.stats.multivariate_normal. Run once from the repository root:

    python3 scripts/reference/gmm_cavi.py
"""
import itertools

import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, norm

x = np.array([-2.1, -1.7, -2.6, 0.3, 1.9, 2.4, 1.6, 2.8])
K, tau2, sigma2 = 2, 4.0, 0.5
pi = np.full(K, 1 / K)
m = np.array([-0.5, 0.5])
s2 = np.full(K, tau2)


def elbo(m, s2, phi, pi, sigma2):
    # E[log p(mu)] + H[q(mu)]
    total = sum(-0.5 * np.log(2 * np.pi * tau2) - (m[k] ** 2 + s2[k]) / (2 * tau2) + norm(0, np.sqrt(s2[k])).entropy()
                for k in range(K))
    for i in range(len(x)):
        for k in range(K):
            ell = -0.5 * np.log(2 * np.pi * sigma2) - ((x[i] - m[k]) ** 2 + s2[k]) / (2 * sigma2)
            total += phi[i, k] * (np.log(pi[k]) + ell - np.log(phi[i, k]))
    return total


def sweep(m, s2, pi, sigma2, hyper):
    logits = np.log(pi)[None, :] + (x[:, None] * m[None, :] - 0.5 * (m ** 2 + s2)[None, :]) / sigma2
    phi = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    nk = phi.sum(0)
    s2 = 1 / (1 / tau2 + nk / sigma2)
    m = s2 * (phi * x[:, None]).sum(0) / sigma2
    if hyper:
        pi = nk / len(x)
        sigma2 = (phi * ((x[:, None] - m[None, :]) ** 2 + s2[None, :])).sum() / len(x)
    return m, s2, phi, pi, sigma2


def log_evidence(pi, sigma2):
    terms = []
    for z in itertools.product(range(K), repeat=len(x)):
        z = np.array(z)
        t = np.log(pi)[z].sum()
        for k in range(K):
            xs = x[z == k]
            if len(xs):
                cov = sigma2 * np.eye(len(xs)) + tau2 * np.ones((len(xs), len(xs)))
                t += multivariate_normal(np.zeros(len(xs)), cov).logpdf(xs)
        terms.append(t)
    return logsumexp(terms)


for hyper in (False, True):
    mm, ss, pp, sg = m.copy(), s2.copy(), pi.copy(), sigma2
    trace = []
    for _ in range(200):
        mm, ss, phi, pp, sg = sweep(mm, ss, pp, sg, hyper)
        trace.append(elbo(mm, ss, phi, pp, sg))
    label = "variational EM" if hyper else "CAVI"
    print(f"{label}: elbo after sweeps 1,2,3: {trace[0]:.12f} {trace[1]:.12f} {trace[2]:.12f}; final {trace[-1]:.12f}")
    print(f"   m={mm} s2={ss} pi={pp} sigma2={sg:.12f}")
    print(f"   log p(x) at the final pi, sigma2: {log_evidence(pp, sg):.12f}")
print(f"log p(x) with the initial pi, sigma2: {log_evidence(pi, sigma2):.12f}")
