// Exact Poisson sampling for rational rates lambda = a / b >= 2, in time about linear in
// sqrt(lambda) rather than lambda: rejection from a flat-topped envelope with geometric
// tails (Devroye, "Non-Uniform Random Variate Generation", 1986, ch. II.3 and X.1, applied
// to the log-concave Poisson PMF), with every acceptance an AND of exact rational Bernoulli
// trials (ExactBernoulli), so no exponential and no floating point is ever evaluated.
//
// Why it is exact. Let M = floor(lambda), the mode, W = floor(sqrt(lambda)) and
// r(k) = P(k) / P(M) = lambda^(k-M) M! / k!, which is at most 1 for every k:
//   r(M + j) = prod_{i=1..j} lambda / (M + i)       (each factor < 1, as M + 1 > lambda),
//   r(M - j) = prod_{i=0..j-1} (M - i) / lambda     (each factor <= 1, as M <= lambda).
// Envelope h(k) = 1 for |k - M| <= W; rho_up^(k-M-W) above, rho_up = lambda / (M + W + 1);
// rho_low^(M-W-k) below, rho_low = (M - W) / lambda; both ratios are rational and below 1.
// Because the factors shrink away from the mode, r(k) <= h(k) everywhere, and
//   r(M + j) / h = prod_{i=1..W} lambda / (M + i) * prod_{i=W+1..j} (M + W + 1) / (M + i),
//   r(M - j) / h = prod_{i=0..W-1} (M - i) / lambda * prod_{i=W..j-1} (M - i) / (M - W),
// products of rationals each at most 1: a trial per factor, all of which must succeed,
// accepts with exactly probability r(k) / h(k). Drawing k with probability proportional to
// h(k) (a uniform window, or a geometric tail chosen with rational odds equal to the tail
// sums), accepting with probability r(k) / h(k) (zero below 0), and repeating otherwise,
// yields k with probability proportional to r(k), that is exactly Poisson(lambda).
// lambda >= 2 makes M >= 2, so 1 <= W < M and both ratios are positive.
// Acceptance tends to sqrt(2 pi) / 4 = 0.63 per proposal for large lambda.
// Sizes: a < 2^62 keeps every product within 128 bits; larger terms use the pieces method.

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>Exact Poisson sampler for rates of at least 2, by envelope rejection.</summary>
internal sealed class LargeRatePoisson
{
    /// <summary>The least rate this sampler handles.</summary>
    public const int MinimumRate = 2;

    private readonly IRandomBits _bits;
    private readonly ulong _numerator;
    private readonly ulong _denominator;
    private readonly ulong _mode;
    private readonly ulong _halfWidth;

    // Envelope masses over a common denominator: window, upper tail, lower tail.
    private readonly BigInteger _windowWeight;
    private readonly BigInteger _upperWeight;
    private readonly BigInteger _totalWeight;

    private LargeRatePoisson(IRandomBits bits, ulong numerator, ulong denominator)
    {
        _bits = bits;
        _numerator = numerator;
        _denominator = denominator;
        _mode = numerator / denominator;
        _halfWidth = (ulong)ExactRational.FloorSquareRoot(_mode);
        Debug.Assert(_mode >= MinimumRate && _halfWidth >= 1 && _halfWidth < _mode);

        // Upper tail mass rho_up / (1 - rho_up) = a / (b (M + W + 1) - a); lower tail mass
        // rho_low / (1 - rho_low) = (M - W) b / (a - (M - W) b). Scale all three by the
        // product of the two denominators.
        BigInteger a = numerator;
        BigInteger b = denominator;
        BigInteger upperDenominator = (b * (_mode + _halfWidth + 1)) - a;
        BigInteger lowerDenominator = a - ((_mode - _halfWidth) * b);
        Debug.Assert(upperDenominator.Sign > 0 && lowerDenominator.Sign > 0);
        _windowWeight = ((2 * _halfWidth) + 1) * upperDenominator * lowerDenominator;
        _upperWeight = a * lowerDenominator;
        BigInteger lowerWeight = (_mode - _halfWidth) * b * upperDenominator;
        _totalWeight = _windowWeight + _upperWeight + lowerWeight;
    }

    /// <summary>
    /// Returns a sampler for the rate numerator / denominator in lowest terms, or null when
    /// the rate is below <see cref="MinimumRate"/> or its terms are too large.
    /// </summary>
    public static LargeRatePoisson? TryCreate(
        IRandomBits bits, BigInteger numerator, BigInteger denominator)
    {
        if (numerator >= (BigInteger.One << 62) || numerator < MinimumRate * denominator)
        {
            return null;
        }

        return new LargeRatePoisson(bits, (ulong)numerator, (ulong)denominator);
    }

    /// <summary>Returns one sample of Poisson(lambda).</summary>
    public long Sample()
    {
        while (true)
        {
            long candidate = Propose();
            if (candidate >= 0 && Accept((ulong)candidate))
            {
                return candidate;
            }
        }
    }

    // Draws k with probability proportional to the envelope h(k).
    private long Propose()
    {
        BigInteger part = UniformInteger.Below(_bits, _totalWeight);
        long mode = (long)_mode;
        long halfWidth = (long)_halfWidth;
        if (part < _windowWeight)
        {
            return mode - halfWidth + (long)UniformInteger.Below(_bits, (2 * _halfWidth) + 1);
        }

        // Tail offsets t >= 1 with P(t) proportional to rho^t: one plus a geometric count.
        long offset = 1;
        if (part < _windowWeight + _upperWeight)
        {
            ulong upperScale = _mode + _halfWidth + 1;
            while (ExactBernoulli.SampleScaled(_bits, _numerator, _denominator, upperScale))
            {
                offset++;
            }

            return mode + halfWidth + offset;
        }

        while (ExactBernoulli.Sample(_bits, (_mode - _halfWidth) * _denominator, _numerator))
        {
            offset++;
        }

        return mode - halfWidth - offset;
    }

    // One exact trial per factor of r(k) / h(k); the first failure rejects.
    private bool Accept(ulong candidate)
    {
        if (candidate > _mode)
        {
            ulong distance = candidate - _mode;
            for (ulong i = 1; i <= distance; i++)
            {
                bool success = i <= _halfWidth
                    ? ExactBernoulli.SampleScaled(_bits, _numerator, _denominator, _mode + i)
                    : ExactBernoulli.Sample(_bits, _mode + _halfWidth + 1, _mode + i);
                if (!success)
                {
                    return false;
                }
            }

            return true;
        }

        ulong below = _mode - candidate;
        for (ulong i = 0; i < below; i++)
        {
            bool success = i < _halfWidth
                ? ExactBernoulli.Sample(_bits, (_mode - i) * _denominator, _numerator)
                : ExactBernoulli.Sample(_bits, _mode - i, _mode - _halfWidth);
            if (!success)
            {
                return false;
            }
        }

        return true;
    }
}
