// Conditional randomized rounding of the distributed discrete Gaussian pipeline (Kairouz,
// Liu, Steinke, ICML 2021, section 4). A vector already scaled to the integer grid (x / γ,
// with ||x||₂ <= c) is rounded coordinate by coordinate to floor or ceiling, up with
// probability equal to the fractional part, so that the rounding is unbiased. The result is
// kept only if its squared L2 norm is at most
//
//   Δ² = min( (c' + √d)², c'² + d/4 + √(2 ln(1/β)) · (c' + √d / 2) ),   c' = c / γ,
//
// which a single rounding meets with probability at least 1 - β; otherwise the rounding is
// drawn again. The conditioning is what bounds the L2 sensitivity of the integer vector
// by Δ, the figure the noise is calibrated to.

using System.Security.Cryptography;

namespace SecureFed.Privacy.Pipeline;

/// <summary>Unbiased rounding to integers with a guaranteed bound on the L2 norm.</summary>
public static class ConditionalRandomizedRounding
{
    /// <summary>Largest number of roundings drawn before giving up.</summary>
    public const int MaxAttempts = 1000;

    /// <summary>
    /// The bound Δ on the L2 norm of a rounded vector of <paramref name="dimension"/>
    /// coordinates whose norm before rounding is at most <paramref name="scaledClip"/>
    /// (c / γ), with failure probability <paramref name="beta"/> per rounding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double NormBound(double scaledClip, int dimension, double beta)
    {
        if (!(scaledClip >= 0) || double.IsPositiveInfinity(scaledClip))
        {
            throw new ArgumentOutOfRangeException(nameof(scaledClip), scaledClip, "Must be finite and non-negative.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (!(beta >= 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Must be in [0, 1).");
        }

        double sqrtD = Math.Sqrt(dimension);
        double always = (scaledClip + sqrtD) * (scaledClip + sqrtD);
        if (beta == 0)
        {
            return Math.Sqrt(always);
        }

        double likely = scaledClip * scaledClip + dimension / 4.0
            + Math.Sqrt(2 * Math.Log(1 / beta)) * (scaledClip + sqrtD / 2);
        return Math.Sqrt(Math.Min(always, likely));
    }

    /// <summary>
    /// Rounds <paramref name="scaled"/> (a vector on the integer grid's scale whose norm is
    /// at most <paramref name="scaledClip"/>) into <paramref name="rounded"/>, drawing
    /// again until the norm bound holds, with randomness from the operating system's CSPRNG.
    /// </summary>
    /// <returns>The number of roundings drawn.</returns>
    /// <exception cref="ArgumentException">
    /// The lengths differ, the input's norm is above the clip, or holds a non-finite value.
    /// </exception>
    /// <exception cref="InvalidOperationException">No rounding met the bound in <see cref="MaxAttempts"/>.</exception>
    public static int Round(ReadOnlySpan<double> scaled, double scaledClip, double beta, Span<long> rounded) =>
        Round(scaled, scaledClip, beta, rounded, CryptoUniform);

    internal static int Round(
        ReadOnlySpan<double> scaled, double scaledClip, double beta, Span<long> rounded, Func<double> uniform)
    {
        if (scaled.Length != rounded.Length)
        {
            throw new ArgumentException("The input and output lengths differ.", nameof(rounded));
        }

        double bound = NormBound(scaledClip, Math.Max(1, scaled.Length), beta);
        double norm = L2Clipping.Norm(scaled);
        if (!double.IsFinite(norm) || norm > scaledClip * (1 + 1e-12))
        {
            throw new ArgumentException(
                $"The input's norm {norm} is above the clip {scaledClip}; clip before rounding.", nameof(scaled));
        }

        double boundSquared = bound * bound;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            double normSquared = 0;
            for (int i = 0; i < scaled.Length; i++)
            {
                double floor = Math.Floor(scaled[i]);
                long value = (long)floor + (uniform() < scaled[i] - floor ? 1 : 0);
                rounded[i] = value;
                normSquared += (double)value * value;
            }

            if (normSquared <= boundSquared)
            {
                return attempt;
            }
        }

        throw new InvalidOperationException(
            $"No rounding met the norm bound {bound} in {MaxAttempts} attempts.");
    }

    // A uniform double in [0, 1) with 53 random bits.
    private static double CryptoUniform()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return (BitConverter.ToUInt64(bytes) >> 11) * (1.0 / (1UL << 53));
    }
}
