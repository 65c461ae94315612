// Rényi DP of the Laplace mechanism: Mironov, "Rényi Differential Privacy", CSF 2017, Table II
// (Proposition 6). With scale b = noise multiplier times the L1 sensitivity and eps = 1 / b:
//   RDP(alpha) = eps + log(1 + (alpha - 1) expm1((1 - 2 alpha) eps) / (2 alpha - 1)) / (alpha - 1),
// the form used by Google's dp_accounting (_laplace_rdp), including its Taylor series for orders
// just above 1, where the log1p quotient loses digits.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting;

/// <summary>Rényi DP of the Laplace mechanism.</summary>
public static class LaplaceRdp
{
    /// <summary>
    /// RDP at <paramref name="order"/> of Laplace noise whose scale is
    /// <paramref name="noiseMultiplier"/> times the L1 sensitivity.
    /// </summary>
    /// <param name="noiseMultiplier">Laplace scale over L1 sensitivity; positive.</param>
    /// <param name="order">Rényi order; finite and greater than 1.</param>
    /// <returns>The Rényi divergence bound at the order; never above 1 / noiseMultiplier.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Compute(double noiseMultiplier, double order)
    {
        // Unsampled; RdpAccountant applies Poisson sampling through PoissonSampledRdp, since the
        // Gaussian subsampling series does not apply to this noise.
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckOrder(order);
        return Core(1.0 / noiseMultiplier, order);
    }

    internal static double Core(double eps, double order)
    {
        Debug.Assert(eps > 0 && order > 1, "arguments checked by caller");
        double a = order;
        double c = LogMath.ExpM1(eps * (1.0 - 2.0 * a)) / (2.0 * a - 1.0);
        if (a >= 1.1)
        {
            return eps + LogMath.Log1P((a - 1.0) * c) / (a - 1.0);
        }

        // log(1 + c x) / x = c * sum_k (-c x)^(k-1) / k with x = alpha - 1 and 0 <= -c x < 0.1,
        // so a hundred terms are far more than double precision needs.
        double v = -c * (a - 1.0);
        double sum = 0.0;
        double power = 1.0;
        for (int k = 1; k < 100; k++)
        {
            sum += power / k;
            power *= v;
        }

        return eps + c * sum;
    }
}
