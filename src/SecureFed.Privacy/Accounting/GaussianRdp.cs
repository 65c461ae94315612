// Rényi DP of the Gaussian mechanism and of the Poisson-subsampled Gaussian mechanism.
//   Gaussian: Mironov, "Rényi Differential Privacy", CSF 2017, Table II: alpha / (2 sigma^2).
//   Subsampled: Mironov, Talwar, Zhang, "Rényi Differential Privacy of the Sampled Gaussian
//   Mechanism", arXiv:1908.10530 (2019), Section 3: RDP = log(A_alpha) / (alpha - 1), with A_alpha
//   a binomial sum at integer orders and a two-sided series of erfc terms at fractional orders.
// The evaluation follows the methods of Google's dp_accounting (rdp_privacy_accountant.py:
// _compute_log_a_int and _compute_log_a_frac, the latter stopping once both new terms fall
// below exp(-30)). Sizes: sigma is the noise multiplier (noise std / L2 sensitivity), q the
// Poisson sample rate in (0, 1], orders finite and above 1.

using System.Diagnostics;

namespace SecureFed.Privacy.Accounting;

/// <summary>Rényi DP of the Gaussian mechanism, plain and under Poisson sampling.</summary>
public static class GaussianRdp
{
    // dp_accounting stops the fractional-order series once both new terms are below e^-30.
    private const double SeriesCutoff = -30.0;

    // The series terms fall off like exp(-i^2 / (2 sigma^2)) times q^i; this cap is only a guard
    // against a loop that a NaN would keep alive.
    private const int MaxSeriesTerms = 1_000_000;

    /// <summary>
    /// RDP at <paramref name="order"/> of the Gaussian mechanism whose noise standard deviation
    /// is <paramref name="noiseMultiplier"/> times the L2 sensitivity: order / (2 sigma^2).
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="order">Rényi order; finite and greater than 1.</param>
    /// <returns>The Rényi divergence bound at the order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Compute(double noiseMultiplier, double order)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckOrder(order);
        return order / (2.0 * noiseMultiplier * noiseMultiplier);
    }

    /// <summary>
    /// RDP at <paramref name="order"/> of one step of the Poisson-subsampled Gaussian mechanism:
    /// each record is included with probability <paramref name="sampleRate"/>, then Gaussian
    /// noise of the given multiplier is added (add-or-remove-one neighbouring).
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="order">Rényi order; finite and greater than 1.</param>
    /// <returns>The Rényi divergence bound at the order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double ComputePoissonSampled(
        double noiseMultiplier, double sampleRate, double order)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        RdpArguments.CheckOrder(order);
        return PoissonSampledCore(noiseMultiplier, sampleRate, order);
    }

    internal static double PoissonSampledCore(double sigma, double q, double order)
    {
        Debug.Assert(sigma > 0 && q > 0 && q <= 1 && order > 1, "arguments checked by caller");

        // Sampling everything is the plain mechanism; the series below assumes q < 1.
        if (q == 1.0)
        {
            return order / (2.0 * sigma * sigma);
        }

        double logA = order == Math.Floor(order)
            ? LogAInteger(q, sigma, order)
            : LogAFractional(q, sigma, order);
        return logA / (order - 1.0);
    }

    // A_alpha = sum_i C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2)).
    internal static double LogAInteger(double q, double sigma, double order)
    {
        Debug.Assert(order == Math.Floor(order), "integer order expected");
        double logQ = Math.Log(q);
        double log1MinusQ = LogMath.Log1P(-q);
        double twoSigmaSquared = 2.0 * sigma * sigma;

        // log C(alpha, i) is carried from one term to the next, which costs one log per term
        // and needs no log-gamma.
        double logBinomial = 0.0;
        double logA = double.NegativeInfinity;
        for (double i = 0; i <= order; i++)
        {
            if (i > 0)
            {
                logBinomial += Math.Log(order - i + 1.0) - Math.Log(i);
            }

            double term = logBinomial + i * logQ + (order - i) * log1MinusQ
                + (i * i - i) / twoSigmaSquared;
            logA = LogMath.LogAdd(logA, term);
        }

        return logA;
    }

    // The integral defining A_alpha is split at z0, where the two mixture components cross; each
    // half expands into a binomial series whose terms carry an erfc factor (Mironov, Talwar,
    // Zhang 2019, Section 3.3). Generalised binomial coefficients change sign once i > alpha, so
    // each half is accumulated with signed log-space additions.
    internal static double LogAFractional(double q, double sigma, double order)
    {
        double logA0 = double.NegativeInfinity;
        double logA1 = double.NegativeInfinity;
        double logQ = Math.Log(q);
        double log1MinusQ = LogMath.Log1P(-q);
        double sigmaSquared = sigma * sigma;
        double z0 = sigmaSquared * Math.Log(1.0 / q - 1.0) + 0.5;
        double sqrt2Sigma = Math.Sqrt(2.0) * sigma;
        double logHalf = -Math.Log(2.0);

        double logAbsBinomial = 0.0;
        bool positive = true;
        for (int i = 0; i < MaxSeriesTerms; i++)
        {
            if (i > 0)
            {
                double factor = order - i + 1.0;
                logAbsBinomial += Math.Log(Math.Abs(factor)) - Math.Log(i);
                positive = factor > 0 ? positive : !positive;
            }

            double j = order - i;
            double logT0 = logAbsBinomial + i * logQ + j * log1MinusQ;
            double logT1 = logAbsBinomial + j * logQ + i * log1MinusQ;
            double logE0 = logHalf + LogMath.LogErfc((i - z0) / sqrt2Sigma);
            double logE1 = logHalf + LogMath.LogErfc((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + (i * (double)i - i) / (2.0 * sigmaSquared) + logE0;
            double logS1 = logT1 + (j * j - j) / (2.0 * sigmaSquared) + logE1;

            if (positive)
            {
                logA0 = LogMath.LogAdd(logA0, logS0);
                logA1 = LogMath.LogAdd(logA1, logS1);
            }
            else
            {
                logA0 = LogMath.LogSub(logA0, logS0);
                logA1 = LogMath.LogSub(logA1, logS1);
            }

            if (Math.Max(logS0, logS1) < SeriesCutoff)
            {
                return LogMath.LogAdd(logA0, logA1);
            }
        }

        // A partial sum is no bound; charging infinity keeps the accountant on the safe side.
        Debug.Fail("fractional-order series did not converge");
        return double.PositiveInfinity;
    }
}
