// Rényi DP of the Skellam mechanism: Agarwal, Kairouz, Liu, "The Skellam Mechanism for
// Differentially Private Federated Learning", NeurIPS 2021, Theorem 3.5 / Corollary 3.6. For
// integer-valued inputs with L1 sensitivity D1 and L2 sensitivity D2 (in grid units) and
// symmetric Skellam noise of variance mu per coordinate (the difference of two Poisson(mu/2)),
// at integer orders alpha > 1:
//   RDP(alpha) <= alpha D2^2 / (2 mu) + min(((2 alpha - 1) D2^2 + 6 D1) / (4 mu^2), 3 D1 / (2 mu)).
// The first term is the Gaussian mechanism of the same variance; the minimum is the price of
// discreteness. Skellam noise is closed under addition, so mu is the variance of the sum of the
// clients' shares that survives secure aggregation.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting;

/// <summary>Rényi DP of the (distributed) Skellam mechanism.</summary>
public static class SkellamRdp
{
    /// <summary>
    /// RDP at <paramref name="order"/> of the Skellam mechanism on integer vectors.
    /// </summary>
    /// <param name="l1Sensitivity">L1 sensitivity in grid units; positive.</param>
    /// <param name="l2Sensitivity">L2 sensitivity in grid units; positive.</param>
    /// <param name="variance">Variance per coordinate of the aggregate Skellam noise;
    /// positive.</param>
    /// <param name="order">Rényi order; finite and greater than 1. A fractional order is bounded by
    /// the next integer order.</param>
    /// <returns>The Rényi divergence bound at the order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Compute(
        double l1Sensitivity, double l2Sensitivity, double variance, double order)
    {
        // Unsampled; RdpAccountant applies Poisson sampling through PoissonSampledRdp, since the
        // Gaussian subsampling series does not apply to this noise.
        RdpArguments.CheckPositive(l1Sensitivity, nameof(l1Sensitivity));
        RdpArguments.CheckPositive(l2Sensitivity, nameof(l2Sensitivity));
        RdpArguments.CheckPositive(variance, nameof(variance));
        RdpArguments.CheckOrder(order);
        return Core(l1Sensitivity, l2Sensitivity, variance, order);
    }

    internal static double Core(double l1, double l2, double mu, double order)
    {
        Debug.Assert(l1 > 0 && l2 > 0 && mu > 0 && order > 1, "arguments checked by caller");

        // The theorem holds at integer orders; RDP is non-decreasing in the order, so the next
        // integer order bounds a fractional one.
        double a = Math.Ceiling(order);
        double l2Squared = l2 * l2;
        double gaussianPart = a * l2Squared / (2.0 * mu);
        double discretePart = Math.Min(
            ((2.0 * a - 1.0) * l2Squared + 6.0 * l1) / (4.0 * mu * mu),
            3.0 * l1 / (2.0 * mu));
        return gaussianPart + discretePart;
    }
}
