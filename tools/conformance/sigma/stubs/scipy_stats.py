import mpmath
mpmath.mp.dps = 40
class _Beta:
    def ppf(self, q, a, b):
        q = float(q)
        if q <= 0: return 0.0
        if q >= 1: return 1.0
        f = lambda x: mpmath.betainc(a, b, 0, x, regularized=True) - q
        return float(mpmath.findroot(f, (mpmath.mpf(1e-30), mpmath.mpf(1) - mpmath.mpf(1e-30)), solver='anderson'))
beta = _Beta()
