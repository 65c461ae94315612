// Privacy amplification by Poisson sampling for any mechanism, in RDP: the general upper
// bound of Zhu and Wang, "Poisson Subsampled Rényi Differential Privacy", ICML 2019. For a
// mechanism with RDP ε(·), sampling each record (or client) with probability γ gives, at an
// integer order α >= 2,
//
//   ε'(α) <= 1/(α-1) · log[ (1-γ)^(α-1) (1 + (α-1)γ)
//                           + C(α,2) γ² (1-γ)^(α-2) e^(ε(2))
//                           + 3 Σ_{l=3..α} C(α,l) γ^l (1-γ)^(α-l) e^((l-1) ε(l)) ].
//
// The factor 3 on the higher terms is the general (mechanism-agnostic) form; for mechanisms
// such as the Gaussian the factor can be dropped, but keeping it is always safe. A fractional
// order is bounded at the next integer order, since RDP never decreases with the order, and
// the result is never worse than the unsampled mechanism's ε(α).
//
// This is what the Skellam and distributed discrete Gaussian papers use for client sampling,
// and what this project uses for Laplace.

namespace SecureFed.Privacy.Accounting;

/// <summary>RDP of a Poisson-sampled mechanism from the RDP of the mechanism itself.</summary>
internal static class PoissonSampledRdp
{
    /// <summary>
    /// An upper bound on the RDP at <paramref name="order"/> of the mechanism whose RDP is
    /// <paramref name="rdp"/>, run on a Poisson sample of rate <paramref name="sampleRate"/>.
    /// </summary>
    public static double Core(Func<double, double> rdp, double sampleRate, double order)
    {
        double unsampled = rdp(order);
        if (sampleRate >= 1 || double.IsPositiveInfinity(order))
        {
            return unsampled;
        }

        int alpha = (int)Math.Ceiling(order);
        double logQ = Math.Log(sampleRate);
        double logNotQ = LogMath.Log1P(-sampleRate);

        double logSum = (alpha - 1) * logNotQ + LogMath.Log1P((alpha - 1) * sampleRate);
        double logBinomial = 0;
        for (int l = 1; l <= alpha; l++)
        {
            logBinomial += Math.Log(alpha - l + 1) - Math.Log(l);
            if (l < 2)
            {
                continue;
            }

            double term = logBinomial + l * logQ + (alpha - l) * logNotQ + (l - 1) * rdp(l);
            if (l >= 3)
            {
                term += Math.Log(3);
            }

            logSum = LogMath.LogAdd(logSum, term);
        }

        return Math.Min(unsampled, logSum / (alpha - 1));
    }
}
