"""Reference values for Tests/InferenceTests/KL*Tests.swift.

Closed forms evaluated with NumPy, checked against SciPy quadrature; the Gaussian fits to the
bimodal mixture 1/2 N(-3, 1) + 1/2 N(3, 1) found with scipy.integrate.quad + scipy.optimize.
Run once (pip install numpy scipy); the printed numbers are pasted into the tests.
"""
import numpy as np
from scipy import integrate, optimize, stats


def kl_mvn(m0, S0, m1, S1):
    d = len(m0)
    S1inv = np.linalg.inv(S1)
    diff = m1 - m0
    return 0.5 * (np.trace(S1inv @ S0) + diff @ S1inv @ diff - d
                  + np.linalg.slogdet(S1)[1] - np.linalg.slogdet(S0)[1])


def kl_quad(logp, logq, lo, hi):
    f = lambda x: np.exp(logp(x)) * (logp(x) - logq(x))
    return integrate.quad(f, lo, hi, epsabs=1e-14, epsrel=1e-13, limit=500)[0]


p = stats.norm(0, 1); q = stats.norm(1, 2)
print("KL(N(0,1)||N(1,2^2)) =", repr(kl_quad(p.logpdf, q.logpdf, -40, 40)))
print("KL(N(1,2^2)||N(0,1)) =", repr(kl_quad(q.logpdf, p.logpdf, -60, 60)))
m0 = np.zeros(2); S0 = np.eye(2); m1 = np.array([1.0, 2.0]); S1 = np.array([[2.0, 0.5], [0.5, 1.0]])
print("KL(N(0,I)||N([1,2],S)) =", repr(kl_mvn(m0, S0, m1, S1)))
print("KL(N([1,2],S)||N(0,I)) =", repr(kl_mvn(m1, S1, m0, S0)))
S2 = np.array([[1.5, -0.3, 0.2], [-0.3, 0.8, 0.1], [0.2, 0.1, 2.5]])
S3 = np.diag([0.5, 2.0, 1.2])
mA = np.array([0.1, -0.4, 2.0]); mB = np.array([1.0, 0.0, -1.0])
print("KL(full3||diag3) =", repr(kl_mvn(mA, S2, mB, S3)))
print("KL(diag3||full3) =", repr(kl_mvn(mB, S3, mA, S2)))
pc = np.array([0.5, 0.25, 0.25])
print("KL([.5,.25,.25]||uniform) =", repr(stats.entropy(pc, np.ones(3) / 3)))
print("KL(Bern(.3)||Bern(.6)) =", repr(stats.entropy([0.3, 0.7], [0.6, 0.4])))

mix = lambda x: np.logaddexp(np.log(0.5) + stats.norm(-3, 1).logpdf(x), np.log(0.5) + stats.norm(3, 1).logpdf(x))
print("forward fit variance = 1 + 9 = 10; KL(p||N(0,10)) =",
      repr(kl_quad(mix, stats.norm(0, np.sqrt(10)).logpdf, -40, 40)))


def reverse_kl(theta):
    mu, logsd = theta
    sd = np.exp(logsd)
    q = stats.norm(mu, sd)
    return kl_quad(q.logpdf, mix, mu - 14 * sd, mu + 14 * sd)


best = optimize.minimize(reverse_kl, [2.0, 0.0], method="Nelder-Mead",
                         options=dict(xatol=1e-10, fatol=1e-14, maxiter=4000))
print("reverse fit (mode): mu =", repr(best.x[0]), "sd =", repr(np.exp(best.x[1])), "KL =", repr(best.fun))
# The centred stationary point: minimise over sd with mu = 0 fixed.
centre = optimize.minimize_scalar(lambda ls: reverse_kl([0.0, ls]), bounds=(0.0, 2.0), method="bounded",
                                  options=dict(xatol=1e-12))
print("reverse centred: sd =", repr(np.exp(centre.x)), "KL =", repr(centre.fun))
