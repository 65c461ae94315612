// Rényi DP of the distributed discrete Gaussian mechanism: Kairouz, Liu, Steinke, "The
// Distributed Discrete Gaussian Mechanism for Federated Learning with Secure Aggregation",
// ICML 2021 (arXiv:2102.06387), Theorem 1 with Proposition 14 / Eq. 17. Each of n clients adds
// discrete Gaussian noise N_Z(0, sigma^2) per coordinate; the sum is not a discrete Gaussian, and
//   tau = 10 * sum_{k=1}^{n-1} exp(-2 pi^2 sigma^2 k / (k + 1))
// bounds how far it is from one. With D1, D2 the L1 and L2 sensitivities in grid units, d the
// dimension, and the scaled sensitivities s1 = D1 / (sqrt(n) sigma), s2 = D2 / (sqrt(n) sigma):
//   RDP(alpha) <= min(alpha s2^2 / 2 + tau d,
//                     alpha / 2 (s2^2 + 2 s1 tau + tau^2 d),
//                     alpha / 2 (s2 + tau sqrt(d))^2).

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting;

/// <summary>Rényi DP of the distributed discrete Gaussian mechanism.</summary>
public static class DistributedDiscreteGaussianRdp
{
    /// <summary>
    /// RDP at <paramref name="order"/> of the sum of <paramref name="clients"/> discrete
    /// Gaussian noise shares, each of standard deviation <paramref name="localStddev"/> per
    /// coordinate, added to an integer vector of <paramref name="dimension"/> coordinates.
    /// </summary>
    /// <param name="l1Sensitivity">L1 sensitivity in grid units; positive.</param>
    /// <param name="l2Sensitivity">L2 sensitivity in grid units; positive.</param>
    /// <param name="localStddev">Each client's noise standard deviation in grid units;
    /// positive.</param>
    /// <param name="clients">Number of clients whose shares are summed; at least 1.</param>
    /// <param name="dimension">Number of coordinates; at least 1.</param>
    /// <param name="order">Rényi order; finite and greater than 1. A fractional order is bounded by
    /// the next integer order.</param>
    /// <returns>The Rényi divergence bound at the order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Compute(
        double l1Sensitivity,
        double l2Sensitivity,
        double localStddev,
        int clients,
        int dimension,
        double order)
    {
        // Unsampled; RdpAccountant applies Poisson sampling through PoissonSampledRdp, since the
        // Gaussian subsampling series does not apply to this noise.
        RdpArguments.CheckPositive(l1Sensitivity, nameof(l1Sensitivity));
        RdpArguments.CheckPositive(l2Sensitivity, nameof(l2Sensitivity));
        RdpArguments.CheckPositive(localStddev, nameof(localStddev));
        CheckCount(clients, nameof(clients));
        CheckCount(dimension, nameof(dimension));
        RdpArguments.CheckOrder(order);
        return Core(l1Sensitivity, l2Sensitivity, localStddev, clients, dimension, order);
    }

    /// <summary>
    /// The term tau of Kairouz, Liu, Steinke (Theorem 1): how far the sum of
    /// <paramref name="clients"/> discrete Gaussians of standard deviation
    /// <paramref name="localStddev"/> is from a single discrete Gaussian. Zero for one client.
    /// </summary>
    /// <param name="localStddev">Each client's noise standard deviation in grid units;
    /// positive.</param>
    /// <param name="clients">Number of clients; at least 1.</param>
    /// <returns>The tau term.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Tau(double localStddev, int clients)
    {
        RdpArguments.CheckPositive(localStddev, nameof(localStddev));
        CheckCount(clients, nameof(clients));
        return TauCore(localStddev, clients);
    }

    internal static double TauCore(double sigma, int clients)
    {
        double c = 2.0 * Math.PI * Math.PI * sigma * sigma;
        double sum = 0.0;
        for (int k = 1; k < clients; k++)
        {
            sum += Math.Exp(-c * k / (k + 1.0));
        }

        return 10.0 * sum;
    }

    internal static double Core(
        double l1, double l2, double sigma, int clients, int dimension, double order)
    {
        Debug.Assert(l1 > 0 && l2 > 0 && sigma > 0, "checked by caller");
        Debug.Assert(clients >= 1 && dimension >= 1, "checked by caller");

        // The paper's accounting evaluates integer orders; RDP is non-decreasing in the order, so
        // the next integer order bounds a fractional one.
        double a = Math.Ceiling(order);
        double tau = TauCore(sigma, clients);
        double totalStddev = Math.Sqrt(clients) * sigma;
        double s1 = l1 / totalStddev;
        double s2 = l2 / totalStddev;
        double d = dimension;

        double first = a * s2 * s2 / 2.0 + tau * d;
        double second = a / 2.0 * (s2 * s2 + 2.0 * s1 * tau + tau * tau * d);
        double shifted = s2 + tau * Math.Sqrt(d);
        double third = a / 2.0 * shifted * shifted;
        return Math.Min(first, Math.Min(second, third));
    }

    private static void CheckCount(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "The count must be at least 1.");
        }
    }
}
