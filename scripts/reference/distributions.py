"""Reference values for Tests/InferenceTests/Distribution*Tests.swift and LinearAlgebraTests.swift.

Run once with SciPy/NumPy (pip install scipy numpy); the printed numbers are pasted into the tests.
"""
import numpy as np
from scipy import stats

np.set_printoptions(precision=17)
print("Normal(1, 2).logpdf(0.3) =", repr(stats.norm(1, 2).logpdf(0.3)))
print("Normal(1, 2).cdf(0.3) =", repr(stats.norm(1, 2).cdf(0.3)))
print("Normal(1, 2).entropy =", repr(stats.norm(1, 2).entropy()))

cov = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, -0.2], [0.1, -0.2, 0.7]])
mean = np.array([1.0, -2.0, 0.5])
x = np.array([0.3, -1.1, 2.0])
mvn = stats.multivariate_normal(mean, cov)
print("MVN logpdf =", repr(mvn.logpdf(x)))
print("MVN entropy =", repr(mvn.entropy()))
print("cholesky =", repr(np.linalg.cholesky(cov)))
print("logdet =", repr(np.linalg.slogdet(cov)[1]))
print("MVN diag logpdf =", repr(stats.multivariate_normal(mean, np.diag([2.0, 1.0, 0.7])).logpdf(x)))

w = np.array([0.2, 0.5, 0.3]); mu = np.array([-1.0, 0.5, 3.0]); sd = np.array([0.5, 1.0, 2.0])
px = sum(wk * stats.norm(m, s).pdf(1.7) for wk, m, s in zip(w, mu, sd))
print("1-D mixture log density at 1.7 =", repr(np.log(px)))
far = np.logaddexp.reduce([np.log(wk) + stats.norm(m, s).logpdf(200.0) for wk, m, s in zip(w, mu, sd)])
print("1-D mixture log density at 200 =", repr(far))
m = (w * mu).sum(); v = (w * (sd**2 + mu**2)).sum() - m**2
print("1-D mixture mean, variance =", repr(m), repr(v))
print("Categorical([.5,.25,.25]).entropy =", repr(stats.entropy([.5, .25, .25])))
print("Bernoulli(.3).entropy =", repr(stats.bernoulli(.3).entropy()))
print("Uniform(-1, 3).entropy =", repr(stats.uniform(-1, 4).entropy()))
print("Gamma(2.5, rate 2) mean, var =", 2.5 / 2, 2.5 / 4)
