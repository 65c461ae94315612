// Exact sampler of the central Skellam distribution Sk(mu) = Poisson(mu) - Poisson(mu), the
// noise of the Skellam mechanism: Agarwal, Kairouz and Liu, "The Skellam Mechanism for
// Differentially Private Federated Learning", NeurIPS 2021. Both Poisson draws are exact
// (PoissonSampler), so the difference is exact; mu is rational, up to 2^32. Variance 2 mu.

using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>
/// Exact sampler of the symmetric Skellam distribution Sk(mu), the difference of two
/// independent Poisson(mu) variables, drawing its randomness from the operating system's
/// CSPRNG.
/// </summary>
/// <remarks>
/// <para>
/// Skellam noise is closed under addition: Sk(mu1) + Sk(mu2) = Sk(mu1 + mu2). In distributed
/// DP each of n clients adds Sk(mu / n) to its contribution, so that the aggregate carries
/// Sk(mu) (variance 2 mu) although no party sees more than its own share.
/// </para>
/// <para>
/// Limitation: the running time depends on the values drawn; the work per sample grows with
/// sqrt(mu), or linearly for huge numerators (see <see cref="PoissonSampler"/>).
/// </para>
/// <para>Instances are not thread-safe.</para>
/// </remarks>
public sealed class SkellamSampler
{
    private readonly PoissonSampler _positive;
    private readonly PoissonSampler _negative;

    /// <summary>
    /// Creates a sampler of Sk(mu) with mu = <paramref name="muNumerator"/> /
    /// <paramref name="muDenominator"/>.
    /// </summary>
    /// <param name="muNumerator">Numerator of mu; positive.</param>
    /// <param name="muDenominator">Denominator of mu; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The numerator or the denominator is not positive, or mu exceeds 2^32.
    /// </exception>
    public SkellamSampler(BigInteger muNumerator, BigInteger muDenominator)
        : this(muNumerator, muDenominator, new CryptoRandomBits())
    {
    }

    internal SkellamSampler(BigInteger muNumerator, BigInteger muDenominator, IRandomBits bits)
    {
        if (muNumerator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(muNumerator), muNumerator, "mu must be positive.");
        }

        if (muDenominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(muDenominator), muDenominator, "The denominator of mu must be positive.");
        }

        _positive = new PoissonSampler(muNumerator, muDenominator, bits);
        _negative = new PoissonSampler(muNumerator, muDenominator, bits);
    }

    /// <summary>Numerator of mu, in lowest terms.</summary>
    public BigInteger MuNumerator => _positive.RateNumerator;

    /// <summary>Denominator of mu, in lowest terms.</summary>
    public BigInteger MuDenominator => _positive.RateDenominator;

    /// <summary>
    /// Creates a sampler whose mu is the exact binary value of <paramref name="mu"/>
    /// (no decimal rounding: 0.1 means 3602879701896397 / 2^55).
    /// </summary>
    /// <param name="mu">mu; finite, positive and at most 2^32.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="mu"/> is not finite, not positive or above 2^32.
    /// </exception>
    public static SkellamSampler FromMu(double mu)
    {
        (BigInteger numerator, BigInteger denominator) = PoissonSampler.RateFromDouble(mu, nameof(mu));
        return new SkellamSampler(numerator, denominator);
    }

    /// <summary>Returns one sample of Sk(mu).</summary>
    public long Sample() => _positive.Sample() - _negative.Sample();

    /// <summary>Fills <paramref name="destination"/> with independent samples.</summary>
    /// <param name="destination">The span to overwrite.</param>
    public void Fill(Span<long> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Sample();
        }
    }
}
