"""The statistics behind ``compare``: two-proportion z-tests (Fisher's exact test where the
counts are too small for the normal approximation) with Holm's correction, and Dunning's
log-likelihood with Hardie's Log Ratio for distinctive terms.

Pure functions of counts, with the standard library only.
"""

from __future__ import annotations

import math

# Critical values of log-likelihood (one degree of freedom).
G2_P05 = 3.84
G2_P01 = 6.63
G2_P001 = 10.83


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """(z, two-sided p) of the difference between the proportions x1/n1 and x2/n2, with the
    pooled standard error. Equal proportions, or no variance at all, give (0.0, 1.0)."""
    if n1 <= 0 or n2 <= 0:
        return 0.0, 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


MIN_EXPECTED = 5  # below this expected count in any cell the z-test's approximation is poor


def small_counts(x1: int, n1: int, x2: int, n2: int) -> bool:
    """Whether a cell of the 2x2 table (in or not in, on each side) expects fewer than
    MIN_EXPECTED passages: then the z-test's normal approximation is not to be trusted."""
    n = n1 + n2
    if n1 <= 0 or n2 <= 0:
        return False
    k = x1 + x2
    return min(n1, n2) * min(k, n - k) / n < MIN_EXPECTED


def fisher_exact(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p of Fisher's exact test for x1 of n1 against x2 of n2: the probability,
    given the margins, of every table no more likely than the one observed (the usual
    definition, as in R's fisher.test and SciPy's fisher_exact)."""
    if n1 <= 0 or n2 <= 0:
        return 1.0
    n, k = n1 + n2, x1 + x2

    def log_p(a: int) -> float:  # hypergeometric: a of the k on the first side
        return (_log_comb(k, a) + _log_comb(n - k, n1 - a)) - _log_comb(n, n1)

    observed = log_p(x1)
    total = 0.0
    for a in range(max(0, n1 - (n - k)), min(k, n1) + 1):
        lp = log_p(a)
        if lp <= observed + 1e-7:  # ties up to rounding count as "no more likely"
            total += math.exp(lp)
    return min(1.0, total)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def holm(p_values: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given), for testing many sectors at
    once without finding differences by chance."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def log_likelihood(a: int, b: int, c: int, d: int) -> float:
    """Dunning's G2 for a term seen a times in c words on one side and b times in d words on
    the other (0 when either side has no words)."""
    if c <= 0 or d <= 0:
        return 0.0
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    g = 0.0
    if a:
        g += a * math.log(a / e1)
    if b:
        g += b * math.log(b / e2)
    return 2.0 * g


def log_ratio(a: int, b: int, c: int, d: int) -> float:
    """Hardie's Log Ratio: log2 of the ratio of relative frequencies; 1 means twice as
    frequent on the first side. A zero count is taken as 0.5 so the ratio stays finite."""
    if c <= 0 or d <= 0:
        return 0.0
    return math.log2(((a or 0.5) / c) / ((b or 0.5) / d))


def g2_p(g2: float) -> float:
    """The p-value of a log-likelihood (chi-squared, one degree of freedom)."""
    if g2 <= 0:
        return 1.0
    return math.erfc(math.sqrt(g2 / 2))
