// Exact sampler of the discrete Gaussian N_Z(0, sigma^2): P(X = x) proportional to
// exp(-x^2 / (2 sigma^2)) over the integers. Canonne, Kamath and Steinke, "The Discrete
// Gaussian for Differential Privacy", NeurIPS 2020, Algorithm 3: discrete Laplace proposals
// of scale t = floor(sigma) + 1, accepted with probability
// exp(-(|Y| - sigma^2 / t)^2 / (2 sigma^2)). sigma^2 = n / d is rational, so that exponent is
// the rational (|Y| t d - n)^2 / (2 t^2 n d), and every trial is exact (ExactBernoulli).
// Sizes: sigma^2 up to 2^80; t, |Y| t d and the exponent stay within 128-bit fast paths for
// the variances used in practice, with BigInteger beyond.

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>
/// Exact sampler of the discrete Gaussian distribution N_Z(0, sigma^2) with rational
/// sigma^2, drawing its randomness from the operating system's CSPRNG.
/// </summary>
/// <remarks>
/// <para>
/// No floating point is involved in sampling: the output distribution is exactly the
/// discrete Gaussian, whose variance is slightly below sigma^2.
/// </para>
/// <para>
/// Limitation: the running time depends on the values drawn (rejection sampling), so an
/// observer who can time one call learns a little about the noise it returned.
/// </para>
/// <para>Instances are not thread-safe.</para>
/// </remarks>
public sealed class DiscreteGaussianSampler
{
    private static readonly BigInteger MaxSigmaSquared = BigInteger.One << 80;

    private readonly IRandomBits _bits;
    private readonly BigInteger _numerator;
    private readonly BigInteger _denominator;
    private readonly ulong _scale;

    // Acceptance exponent (|Y| t d - n)^2 / (2 t^2 n d) in machine integers, when
    // 2 t^2 n d fits in 64 bits; zero otherwise.
    private readonly ulong _exponentDenominator;
    private readonly ulong _scaleTimesDenominator;
    private readonly ulong _smallNumerator;

    /// <summary>
    /// Creates a sampler of N_Z(0, sigma^2) with sigma^2 =
    /// <paramref name="sigmaSquaredNumerator"/> / <paramref name="sigmaSquaredDenominator"/>.
    /// </summary>
    /// <param name="sigmaSquaredNumerator">Numerator of sigma^2; positive.</param>
    /// <param name="sigmaSquaredDenominator">Denominator of sigma^2; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The numerator or the denominator is not positive, or sigma^2 exceeds 2^80.
    /// </exception>
    public DiscreteGaussianSampler(
        BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator)
        : this(sigmaSquaredNumerator, sigmaSquaredDenominator, new CryptoRandomBits())
    {
    }

    internal DiscreteGaussianSampler(
        BigInteger sigmaSquaredNumerator, BigInteger sigmaSquaredDenominator, IRandomBits bits)
    {
        if (sigmaSquaredNumerator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sigmaSquaredNumerator), sigmaSquaredNumerator, "sigma^2 must be positive.");
        }

        if (sigmaSquaredDenominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sigmaSquaredDenominator),
                sigmaSquaredDenominator,
                "The denominator of sigma^2 must be positive.");
        }

        if (sigmaSquaredNumerator > MaxSigmaSquared * sigmaSquaredDenominator)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sigmaSquaredNumerator), sigmaSquaredNumerator, "sigma^2 must be at most 2^80.");
        }

        _bits = bits;
        (_numerator, _denominator) =
            ExactRational.Reduce(sigmaSquaredNumerator, sigmaSquaredDenominator);

        // floor(sqrt(n / d)) = floor(sqrt(floor(n / d))), so the scale is exact.
        _scale = (ulong)(ExactRational.FloorSquareRoot(_numerator / _denominator) + 1);

        BigInteger exponentDenominator = 2 * _scale * (BigInteger)_scale * _numerator * _denominator;
        if (exponentDenominator <= ulong.MaxValue)
        {
            _exponentDenominator = (ulong)exponentDenominator;
            _scaleTimesDenominator = (ulong)(_scale * _denominator);
            _smallNumerator = (ulong)_numerator;
        }
    }

    /// <summary>Numerator of sigma^2, in lowest terms.</summary>
    public BigInteger SigmaSquaredNumerator => _numerator;

    /// <summary>Denominator of sigma^2, in lowest terms.</summary>
    public BigInteger SigmaSquaredDenominator => _denominator;

    /// <summary>
    /// Creates a sampler whose sigma^2 is the exact binary value of
    /// <paramref name="sigmaSquared"/>: no decimal rounding, so 0.1 means
    /// 3602879701896397 / 2^55, the double nearest to one tenth.
    /// </summary>
    /// <param name="sigmaSquared">sigma^2; finite, positive and at most 2^80.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="sigmaSquared"/> is not finite, not positive or above 2^80.
    /// </exception>
    public static DiscreteGaussianSampler FromSigmaSquared(double sigmaSquared)
    {
        if (!double.IsFinite(sigmaSquared) || sigmaSquared <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sigmaSquared), sigmaSquared, "sigma^2 must be finite and positive.");
        }

        if (sigmaSquared > Math.ScaleB(1, 80))
        {
            throw new ArgumentOutOfRangeException(
                nameof(sigmaSquared), sigmaSquared, "sigma^2 must be at most 2^80.");
        }

        (BigInteger numerator, BigInteger denominator) = ExactRational.FromDouble(sigmaSquared);
        return new DiscreteGaussianSampler(numerator, denominator);
    }

    /// <summary>Returns one sample of N_Z(0, sigma^2).</summary>
    public long Sample()
    {
        while (true)
        {
            long candidate = DiscreteLaplace.Sample(_bits, _scale);
            if (Accept((ulong)Math.Abs(candidate)))
            {
                return candidate;
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> with independent samples.</summary>
    /// <param name="destination">The span to overwrite.</param>
    public void Fill(Span<long> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Sample();
        }
    }

    private bool Accept(ulong magnitude)
    {
        Debug.Assert(magnitude <= long.MaxValue);
        if (_exponentDenominator != 0)
        {
            // |Y| t d < 2^63 * 2^64, so the distance fits in 128 bits; its square does when
            // the distance fits in 64, which fails only far out in the tail.
            UInt128 scaled = (UInt128)magnitude * _scaleTimesDenominator;
            UInt128 distance = scaled >= _smallNumerator
                ? scaled - _smallNumerator
                : _smallNumerator - scaled;
            if (distance <= ulong.MaxValue)
            {
                return ExactBernoulli.SampleExpMinus(_bits, distance * distance, _exponentDenominator);
            }
        }

        BigInteger bigDistance = (magnitude * (BigInteger)_scale * _denominator) - _numerator;
        BigInteger exponentDenominator = 2 * _scale * (BigInteger)_scale * _numerator * _denominator;
        return ExactBernoulli.SampleExpMinus(_bits, bigDistance * bigDistance, exponentDenominator);
    }
}
