// Log-space helpers for the RDP accountant: log-sum, log-difference, log1p, expm1 and a log-erfc
// that stays accurate where erfc itself underflows. The erfc evaluation uses the power series of
// Abramowitz and Stegun 7.1.6 for small arguments and the continued fraction 7.1.14 (evaluated by
// the modified Lentz method) for large ones; both converge to double precision.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting;

/// <summary>Numerically stable elementary functions in log space.</summary>
internal static class LogMath
{
    private const double LogSqrtPi = 0.57236494292470008707;

    // Below this argument the series has no cancellation worth the name (erfc(2) is about 5e-3,
    // so 1 - erf loses at most three digits); above it the continued fraction converges quickly.
    private const double SeriesLimit = 2.0;

    /// <summary>log(1 + x), accurate for tiny x.</summary>
    internal static double Log1P(double x)
    {
        // .NET's double.LogP1 is log(1 + x) computed naively; Kahan's correction recovers the
        // digits lost in forming 1 + x.
        double u = 1.0 + x;
        if (u == 1.0)
        {
            return x;
        }

        if (double.IsPositiveInfinity(u))
        {
            return u;
        }

        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>exp(x) - 1, accurate for tiny x.</summary>
    internal static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        if (um1 == -1.0 || double.IsPositiveInfinity(u))
        {
            return um1;
        }

        return um1 * x / Math.Log(u);
    }

    /// <summary>log(exp(logX) + exp(logY)).</summary>
    internal static double LogAdd(double logX, double logY)
    {
        double small = Math.Min(logX, logY);
        double large = Math.Max(logX, logY);
        if (double.IsNegativeInfinity(small))
        {
            return large;
        }

        return Log1P(Math.Exp(small - large)) + large;
    }

    /// <summary>log(exp(logX) - exp(logY)); the difference must not be negative.</summary>
    internal static double LogSub(double logX, double logY)
    {
        Debug.Assert(logX >= logY, "log-space subtraction would go negative");
        if (double.IsNegativeInfinity(logY))
        {
            return logX;
        }

        if (logX == logY)
        {
            return double.NegativeInfinity;
        }

        // Factor out the larger term: no overflow, and log(-expm1) keeps the digits when the
        // two terms are close.
        double d = logY - logX;
        return d > -0.6931471805599453
            ? logX + Math.Log(-ExpM1(d))
            : logX + Log1P(-Math.Exp(d));
    }

    /// <summary>log(erfc(x)), accurate for large positive x where erfc underflows.</summary>
    internal static double LogErfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x >= SeriesLimit)
        {
            // erfc(x) = exp(-x^2) / sqrt(pi) * F(x): the Gaussian factor is kept in log space.
            return -(x * x) - LogSqrtPi + Math.Log(ErfcContinuedFraction(x));
        }

        if (x <= -SeriesLimit)
        {
            // erfc(x) = 2 - erfc(-x) lies in (1, 2]; no cancellation.
            double tail = Math.Exp(-(x * x) - LogSqrtPi) * ErfcContinuedFraction(-x);
            return Math.Log(2.0 - tail);
        }

        return Log1P(-Erf(x));
    }

    // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): every term is positive,
    // unlike the Taylor series of erf, so nothing cancels for |x| < 2.
    private static double Erf(double x)
    {
        Debug.Assert(Math.Abs(x) < SeriesLimit + 1e-12, "series used outside its range");
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) <= Math.Abs(sum) * 1e-17)
            {
                break;
            }
        }

        return 2.0 * Math.Exp(-x2 - LogSqrtPi) * sum;
    }

    // F(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), so that
    // erfc(x) = exp(-x^2)/sqrt(pi) * F(x) for x > 0.
    private static double ErfcContinuedFraction(double x)
    {
        Debug.Assert(x > 0, "continued fraction needs a positive argument");
        const double Tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0.0;
        for (int k = 1; k < 500; k++)
        {
            double a = 0.5 * k;
            d = x + a * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1.0 / d;
            double step = c * d;
            f *= step;
            if (Math.Abs(step - 1.0) < 1e-16)
            {
                break;
            }
        }

        return 1.0 / f;
    }
}
