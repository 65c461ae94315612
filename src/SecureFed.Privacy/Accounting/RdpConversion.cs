// Conversion of an RDP curve to (epsilon, delta)-DP with the improved bound of Canonne, Kamath,
// Steinke, "The Discrete Gaussian for Differential Privacy" (arXiv:2004.00010, Proposition 12)
// and Balle et al., "Hypothesis Testing Interpretations and Renyi Differential Privacy"
// (arXiv:2001.05990, Eq. 20):
//   epsilon = min over alpha of
//             rdp(alpha) + log1p(-1/alpha) - (log delta + log alpha) / (alpha - 1),
// and its inverse for delta. Edge handling follows Google's dp_accounting (compute_epsilon,
// compute_delta): the KL bound delta <= sqrt(1 - exp(-rdp)) is taken where it already gives
// epsilon = 0, orders up to 1.01 are skipped as numerically unstable, ties go to the first order,
// epsilon is clamped at 0 and delta at 1.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting;

/// <summary>From an RDP curve to (epsilon, delta)-DP.</summary>
public static class RdpConversion
{
    // dp_accounting's threshold: below it the (alpha - 1) divisions amplify rounding error, and the
    // bound is weak there anyway.
    private const double MinStableOrder = 1.01;

    /// <summary>
    /// The smallest epsilon, over the given orders, for which the RDP curve implies
    /// (epsilon, <paramref name="delta"/>)-DP, and the order that attains it.
    /// </summary>
    /// <param name="orders">Rényi orders; each finite and greater than 1.</param>
    /// <param name="rdp">RDP at each order; not negative (positive infinity allowed).</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <returns>Epsilon (positive infinity when no order gives a bound) and its order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static (double Epsilon, double Order) Epsilon(
        IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta)
    {
        CheckCurve(orders, rdp);
        RdpArguments.CheckDelta(delta);
        return EpsilonCore(orders, rdp, delta);
    }

    /// <summary>
    /// The smallest delta, over the given orders, for which the RDP curve implies
    /// (<paramref name="epsilon"/>, delta)-DP, and the order that attains it.
    /// </summary>
    /// <param name="orders">Rényi orders; each finite and greater than 1.</param>
    /// <param name="rdp">RDP at each order; not negative (positive infinity allowed).</param>
    /// <param name="epsilon">Target epsilon; finite and not negative.</param>
    /// <returns>Delta, at most 1, and its order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static (double Delta, double Order) Delta(
        IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double epsilon)
    {
        CheckCurve(orders, rdp);
        RdpArguments.CheckEpsilon(epsilon);
        return DeltaCore(orders, rdp, epsilon);
    }

    internal static (double Epsilon, double Order) EpsilonCore(
        IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta)
    {
        Debug.Assert(orders.Count == rdp.Count && orders.Count > 0, "curve checked by caller");
        double best = double.PositiveInfinity;
        int bestIndex = 0;
        for (int k = 0; k < orders.Count; k++)
        {
            double a = orders[k];
            double r = rdp[k];
            double epsilon;
            if (delta * delta + LogMath.ExpM1(-r) > 0)
            {
                // The KL bound delta <= sqrt(1 - exp(-rdp)) already yields epsilon = 0.
                epsilon = 0;
            }
            else if (a > MinStableOrder)
            {
                epsilon = r + LogMath.Log1P(-1.0 / a) - Math.Log(delta * a) / (a - 1.0);
            }
            else
            {
                epsilon = double.PositiveInfinity;
            }

            if (epsilon < best)
            {
                best = epsilon;
                bestIndex = k;
            }
        }

        return (Math.Max(0.0, best), orders[bestIndex]);
    }

    internal static (double Delta, double Order) DeltaCore(
        IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double epsilon)
    {
        Debug.Assert(orders.Count == rdp.Count && orders.Count > 0, "curve checked by caller");

        // Work with log delta: exp((alpha - 1)(rdp - epsilon)) overflows long before its log does.
        double bestLog = double.PositiveInfinity;
        int bestIndex = 0;
        for (int k = 0; k < orders.Count; k++)
        {
            double a = orders[k];
            double r = rdp[k];

            // The KL bound delta <= sqrt(1 - exp(-rdp)) helps at small orders.
            double logDelta = r == 0 ? double.NegativeInfinity : 0.5 * LogMath.Log1P(-Math.Exp(-r));
            if (a > MinStableOrder)
            {
                double rdpBound = (a - 1.0) * (r - epsilon + LogMath.Log1P(-1.0 / a)) - Math.Log(a);
                logDelta = Math.Min(logDelta, rdpBound);
            }

            if (logDelta < bestLog)
            {
                bestLog = logDelta;
                bestIndex = k;
            }
        }

        return (Math.Min(Math.Exp(bestLog), 1.0), orders[bestIndex]);
    }

    private static void CheckCurve(IReadOnlyList<double> orders, IReadOnlyList<double> rdp)
    {
        RdpArguments.CheckOrders(orders);
        ArgumentNullException.ThrowIfNull(rdp);
        if (rdp.Count != orders.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rdp), rdp.Count, "There must be one RDP value per order.");
        }

        foreach (double r in rdp)
        {
            if (double.IsNaN(r) || r < 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(rdp), r, "RDP values must not be negative.");
            }
        }
    }
}
