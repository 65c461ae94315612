// Exact discrete Laplace sampling, P(Y = y) proportional to exp(-|y| / t) for an integer
// scale t >= 1. Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
// Privacy", NeurIPS 2020, Algorithm 2 with s = 1 (the only scale Algorithm 3 needs).

using System.Diagnostics;

namespace SecureFed.Privacy.Sampling;

/// <summary>Exact sampler of the discrete Laplace distribution with integer scale.</summary>
internal static class DiscreteLaplace
{
    /// <summary>Returns one sample of Lap_Z(<paramref name="scale"/>).</summary>
    public static long Sample(IRandomBits bits, ulong scale)
    {
        Debug.Assert(scale >= 1 && scale <= long.MaxValue);
        while (true)
        {
            // U + t * V with U uniform below t, kept with probability exp(-U / t), and V
            // geometric with ratio exp(-1), is geometric with ratio exp(-1 / t).
            ulong low = UniformInteger.Below(bits, scale);
            if (!ExactBernoulli.SampleExpMinus(bits, low, scale))
            {
                continue;
            }

            ulong high = 0;
            while (ExactBernoulli.SampleExpMinus(bits, 1, 1))
            {
                high++;
            }

            // Checked: overflowing a long needs V near 2^63 / t, which has probability
            // exp(-2^63 / t); it throws instead of wrapping.
            long magnitude = checked((long)(low + (scale * high)));

            // A random sign would count zero twice; rejecting "negative zero" fixes that.
            bool negative = UniformInteger.Below(bits, 2) == 1;
            if (negative && magnitude == 0)
            {
                continue;
            }

            return negative ? -magnitude : magnitude;
        }
    }
}
