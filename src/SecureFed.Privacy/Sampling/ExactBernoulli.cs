// Exact Bernoulli trials for rational probabilities and for exp(-gamma) with rational gamma.
// Follows Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy",
// NeurIPS 2020, Algorithm 1 (Bernoulli(exp(-gamma)), sequential method). Probabilities are
// exact: integer comparisons against uniform integers, no floating point. Fast paths use
// 64-bit and 128-bit integers; anything larger falls back to BigInteger.

using System.Diagnostics;
using System.Numerics;

namespace SecureFed.Privacy.Sampling;

/// <summary>Bernoulli trials with exactly rational or exactly exp(-rational) odds.</summary>
internal static class ExactBernoulli
{
    /// <summary>Returns true with probability numerator / denominator.</summary>
    public static bool Sample(IRandomBits bits, ulong numerator, ulong denominator)
    {
        Debug.Assert(denominator >= 1 && numerator <= denominator);
        return UniformInteger.Below(bits, denominator) < numerator;
    }

    /// <summary>Returns true with probability numerator / denominator.</summary>
    public static bool Sample(IRandomBits bits, UInt128 numerator, UInt128 denominator)
    {
        Debug.Assert(denominator >= 1 && numerator <= denominator);
        if (denominator <= ulong.MaxValue)
        {
            return Sample(bits, (ulong)numerator, (ulong)denominator);
        }

        return UniformInteger.Below(bits, (BigInteger)denominator) < numerator;
    }

    /// <summary>Returns true with probability numerator / denominator.</summary>
    public static bool Sample(IRandomBits bits, BigInteger numerator, BigInteger denominator)
    {
        Debug.Assert(denominator.Sign > 0 && numerator.Sign >= 0 && numerator <= denominator);
        return UniformInteger.Below(bits, denominator) < numerator;
    }

    /// <summary>
    /// Returns true with probability numerator / (denominator * multiplier), at most 1.
    /// </summary>
    public static bool SampleScaled(
        IRandomBits bits, ulong numerator, ulong denominator, ulong multiplier)
    {
        ulong high = Math.BigMul(denominator, multiplier, out ulong low);
        return high == 0
            ? Sample(bits, numerator, low)
            : Sample(bits, (UInt128)numerator, new UInt128(high, low));
    }

    /// <summary>Returns true with probability exp(-numerator / denominator).</summary>
    public static bool SampleExpMinus(IRandomBits bits, ulong numerator, ulong denominator)
    {
        Debug.Assert(denominator >= 1);
        if (numerator <= denominator)
        {
            return SampleExpMinusAtMostOne(bits, numerator, denominator);
        }

        // exp(-gamma) = exp(-1)^floor(gamma) * exp(-frac(gamma)): independent trials, all of
        // which must succeed. Stopping at the first failure keeps the expected work below
        // 1 / (1 - exp(-1)) trials however large gamma is.
        (ulong whole, ulong remainder) = Math.DivRem(numerator, denominator);
        for (ulong i = 0; i < whole; i++)
        {
            if (!SampleExpMinusAtMostOne(bits, 1, 1))
            {
                return false;
            }
        }

        return SampleExpMinusAtMostOne(bits, remainder, denominator);
    }

    /// <summary>Returns true with probability exp(-numerator / denominator).</summary>
    public static bool SampleExpMinus(IRandomBits bits, UInt128 numerator, ulong denominator)
    {
        Debug.Assert(denominator >= 1);
        if (numerator <= ulong.MaxValue)
        {
            return SampleExpMinus(bits, (ulong)numerator, denominator);
        }

        // As above; here gamma > 1 always.
        UInt128 whole = UInt128.DivRem(numerator, denominator).Quotient;
        ulong remainder = (ulong)(numerator % denominator);
        for (UInt128 i = 0; i < whole; i++)
        {
            if (!SampleExpMinusAtMostOne(bits, 1, 1))
            {
                return false;
            }
        }

        return SampleExpMinusAtMostOne(bits, remainder, denominator);
    }

    /// <summary>Returns true with probability exp(-numerator / denominator).</summary>
    public static bool SampleExpMinus(IRandomBits bits, BigInteger numerator, BigInteger denominator)
    {
        Debug.Assert(denominator.Sign > 0 && numerator.Sign >= 0);
        if (numerator <= UInt128.MaxValue && denominator <= ulong.MaxValue)
        {
            return SampleExpMinus(bits, (UInt128)numerator, (ulong)denominator);
        }

        BigInteger whole = BigInteger.DivRem(numerator, denominator, out BigInteger remainder);
        for (BigInteger i = BigInteger.Zero; i < whole; i++)
        {
            if (!SampleExpMinusAtMostOne(bits, 1, 1))
            {
                return false;
            }
        }

        return SampleExpMinusAtMostOne(bits, remainder, denominator);
    }

    // Algorithm 1 for gamma in [0, 1]: the first K with A_K = 0, where A_k ~ Bernoulli(gamma/k),
    // satisfies P(K > k) = gamma^k / k!, so P(K odd) = sum_k (-gamma)^k / k! = exp(-gamma).
    private static bool SampleExpMinusAtMostOne(IRandomBits bits, ulong numerator, ulong denominator)
    {
        Debug.Assert(denominator >= 1 && numerator <= denominator);
        ulong k = 1;
        while (SampleScaled(bits, numerator, denominator, k))
        {
            k++;
        }

        return (k & 1) == 1;
    }

    private static bool SampleExpMinusAtMostOne(
        IRandomBits bits, BigInteger numerator, BigInteger denominator)
    {
        Debug.Assert(denominator.Sign > 0 && numerator.Sign >= 0 && numerator <= denominator);
        if (denominator <= ulong.MaxValue)
        {
            return SampleExpMinusAtMostOne(bits, (ulong)numerator, (ulong)denominator);
        }

        long k = 1;
        while (Sample(bits, numerator, denominator * k))
        {
            k++;
        }

        return (k & 1) == 1;
    }
}
