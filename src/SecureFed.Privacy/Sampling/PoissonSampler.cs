// Exact sampler of the Poisson distribution with rational rate lambda = a / b, up to 2^32.
// The construction uses only exact Bernoulli trials (ExactBernoulli, after Canonne, Kamath
// and Steinke, NeurIPS 2020, Algorithm 1) and the additivity of the Poisson distribution.
//
// Why it is exact:
// 1. Split lambda into m = ceil(2 lambda) equal pieces rho = a / (b m) <= 1/2. Independent
//    Poisson(rho) variables sum to Poisson(m rho) = Poisson(lambda).
// 2. Proposal. K = the number of successes before the first failure, where trial j
//    (j = 1, 2, ...) succeeds with probability rho / j. Then P(K >= k) = rho^k / k!, so
//    q(k) = P(K = k) = rho^k / k! - rho^(k+1) / (k+1)! = (rho^k / k!) (k + 1 - rho) / (k + 1).
// 3. Acceptance. Accept K = k with probability
//    alpha(k) = exp(-rho) * (1 - rho) (k + 1) / (k + 1 - rho),
//    a product of two independent exact trials: Bernoulli(exp(-rho)) and Bernoulli of the
//    rational ((b m - a)(k + 1)) / ((k + 1) b m - a), which is at most 1 because
//    (1 - rho)(k + 1) <= k + 1 - rho  <=>  rho k >= 0.
// 4. Then q(k) alpha(k) = (1 - rho) e^(-rho) rho^k / k! = (1 - rho) Poisson(rho)(k): every k
//    is produced in proportion to its Poisson probability, so the accepted value is exactly
//    Poisson(rho), and each round accepts with probability 1 - rho >= 1/2.
// Cost: linear in lambda, about 2 lambda pieces of four or five uniform draws each. So this
// construction serves rates below 2 (at most four pieces) and rates whose numerator reaches
// 2^62; all other rates go to LargeRatePoisson, equally exact, whose cost grows with
// sqrt(lambda).

using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>
/// Exact sampler of the Poisson distribution with rational rate, drawing its randomness
/// from the operating system's CSPRNG.
/// </summary>
/// <remarks>
/// <para>
/// Limitation: the running time depends on the values drawn. The work per sample grows
/// with the square root of the rate, except for rates whose numerator in lowest terms
/// reaches 2^62, where it grows linearly (about 2 * rate exact pieces).
/// </para>
/// <para>Instances are not thread-safe.</para>
/// </remarks>
public sealed class PoissonSampler
{
    private static readonly BigInteger MaxRate = BigInteger.One << 32;

    private readonly IRandomBits _bits;
    private readonly BigInteger _numerator;
    private readonly BigInteger _denominator;
    private readonly long _pieces;

    // Each piece has rate _pieceNumerator / _pieceDenominator <= 1/2.
    private readonly BigInteger _pieceNumerator;
    private readonly BigInteger _pieceDenominator;
    private readonly bool _pieceFitsInUInt64;
    private readonly LargeRatePoisson? _largeRate;

    /// <summary>
    /// Creates a sampler of Poisson(lambda) with lambda =
    /// <paramref name="rateNumerator"/> / <paramref name="rateDenominator"/>.
    /// </summary>
    /// <param name="rateNumerator">Numerator of the rate; positive.</param>
    /// <param name="rateDenominator">Denominator of the rate; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The numerator or the denominator is not positive, or the rate exceeds 2^32.
    /// </exception>
    public PoissonSampler(BigInteger rateNumerator, BigInteger rateDenominator)
        : this(rateNumerator, rateDenominator, new CryptoRandomBits())
    {
    }

    internal PoissonSampler(BigInteger rateNumerator, BigInteger rateDenominator, IRandomBits bits)
    {
        if (rateNumerator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rateNumerator), rateNumerator, "The rate must be positive.");
        }

        if (rateDenominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rateDenominator),
                rateDenominator,
                "The denominator of the rate must be positive.");
        }

        if (rateNumerator > MaxRate * rateDenominator)
        {
            throw new ArgumentOutOfRangeException(
                nameof(rateNumerator), rateNumerator, "The rate must be at most 2^32.");
        }

        _bits = bits;
        (_numerator, _denominator) = ExactRational.Reduce(rateNumerator, rateDenominator);

        // m = ceil(2a / b) pieces make each piece a / (b m) at most 1/2.
        _pieces = (long)(((2 * _numerator) + _denominator - 1) / _denominator);
        _pieceNumerator = _numerator;
        _pieceDenominator = _denominator * _pieces;
        _pieceFitsInUInt64 = _pieceDenominator <= ulong.MaxValue;
        _largeRate = LargeRatePoisson.TryCreate(bits, _numerator, _denominator);
    }

    /// <summary>Numerator of the rate, in lowest terms.</summary>
    public BigInteger RateNumerator => _numerator;

    /// <summary>Denominator of the rate, in lowest terms.</summary>
    public BigInteger RateDenominator => _denominator;

    /// <summary>
    /// Creates a sampler whose rate is the exact binary value of <paramref name="rate"/>
    /// (no decimal rounding: 0.1 means 3602879701896397 / 2^55).
    /// </summary>
    /// <param name="rate">The rate; finite, positive and at most 2^32.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="rate"/> is not finite, not positive or above 2^32.
    /// </exception>
    public static PoissonSampler FromRate(double rate)
    {
        (BigInteger numerator, BigInteger denominator) = RateFromDouble(rate, nameof(rate));
        return new PoissonSampler(numerator, denominator);
    }

    /// <summary>Returns one sample of Poisson(lambda).</summary>
    public long Sample()
    {
        if (_largeRate is not null)
        {
            return _largeRate.Sample();
        }

        long total = 0;
        for (long i = 0; i < _pieces; i++)
        {
            total += _pieceFitsInUInt64 ? SampleSmallPiece() : SampleLargePiece();
        }

        return total;
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

    internal static (BigInteger Numerator, BigInteger Denominator) RateFromDouble(
        double rate, string parameterName)
    {
        if (!double.IsFinite(rate) || rate <= 0)
        {
            throw new ArgumentOutOfRangeException(
                parameterName, rate, "The rate must be finite and positive.");
        }

        if (rate > Math.ScaleB(1, 32))
        {
            throw new ArgumentOutOfRangeException(
                parameterName, rate, "The rate must be at most 2^32.");
        }

        return ExactRational.FromDouble(rate);
    }

    // Steps 2 to 4 of the header with 64-bit terms and 128-bit products.
    private long SampleSmallPiece()
    {
        ulong rateNumerator = (ulong)_pieceNumerator;
        ulong rateDenominator = (ulong)_pieceDenominator;
        while (true)
        {
            ulong k = 0;
            while (ExactBernoulli.SampleScaled(_bits, rateNumerator, rateDenominator, k + 1))
            {
                k++;
            }

            if (!ExactBernoulli.SampleExpMinus(_bits, rateNumerator, rateDenominator))
            {
                continue;
            }

            // At k = 0 the rational factor is exactly 1.
            if (k != 0 && !AcceptSmall(rateNumerator, rateDenominator, k + 1))
            {
                continue;
            }

            return (long)k;
        }
    }

    // Bernoulli(((b m - a)(k + 1)) / ((k + 1) b m - a)), with k + 1 = count.
    private bool AcceptSmall(ulong rateNumerator, ulong rateDenominator, ulong count)
    {
        ulong complement = rateDenominator - rateNumerator;
        ulong numeratorHigh = Math.BigMul(complement, count, out ulong numeratorLow);
        ulong denominatorHigh = Math.BigMul(rateDenominator, count, out ulong denominatorLow);
        if (numeratorHigh == 0 && denominatorHigh == 0)
        {
            return ExactBernoulli.Sample(_bits, numeratorLow, denominatorLow - rateNumerator);
        }

        UInt128 numerator = new(numeratorHigh, numeratorLow);
        UInt128 denominator = new UInt128(denominatorHigh, denominatorLow) - rateNumerator;
        return ExactBernoulli.Sample(_bits, numerator, denominator);
    }

    // The same steps in BigInteger, for rates whose terms exceed 64 bits.
    private long SampleLargePiece()
    {
        while (true)
        {
            long k = 0;
            while (ExactBernoulli.Sample(_bits, _pieceNumerator, _pieceDenominator * (k + 1)))
            {
                k++;
            }

            if (!ExactBernoulli.SampleExpMinus(_bits, _pieceNumerator, _pieceDenominator))
            {
                continue;
            }

            if (k != 0)
            {
                BigInteger acceptNumerator = (_pieceDenominator - _pieceNumerator) * (k + 1);
                BigInteger acceptDenominator = (_pieceDenominator * (k + 1)) - _pieceNumerator;
                if (!ExactBernoulli.Sample(_bits, acceptNumerator, acceptDenominator))
                {
                    continue;
                }
            }

            return k;
        }
    }
}
