// Parameters of the distributed DP pipeline for one round, after the way Kairouz, Liu and
// Steinke (ICML 2021, section 5) and Agarwal, Kairouz and Liu (NeurIPS 2021) fit the
// aggregate into a modulus 2^b.
//
// Each client clips to L2 norm c, rotates (padding d to the next power of two d'), scales
// by 1/γ, rounds, and adds integer noise of variance σ_local². With n clients and a
// central noise standard deviation σ = z·c (z the noise multiplier), one coordinate of the
// aggregate on the integer grid has a variance of at most
//
//   s² = (ρ·c²·n²/d' + n·γ²/4 + σ²) / γ²,
//
// where ρ bounds how unevenly the rotation spreads a vector (1 for a perfectly flat one;
// the rotated coordinates are sub-Gaussian with variance c²/d'), n·γ²/4 bounds the rounding
// errors, and σ² = n·σ_local²·γ² is the noise. The finest grid γ that keeps k standard
// deviations inside the signed range [-2^(b-1), 2^(b-1)) solves 2^(b-1) = k·s:
//
//   γ = k·sqrt(ρ·c²·n²/d' + σ²) / sqrt(4^(b-1) - k²·n/4),
//
// which exists only while 4^(b-1) > k²·n/4. The chance that some coordinate wraps around
// is then at most d'·2·exp(-k²/2), by the sub-Gaussian tail bound and a union bound; k is
// chosen as the smallest that brings this under the target, k = sqrt(2·ln(2·d'/p)).

namespace SecureFed.Privacy.Pipeline;

/// <summary>What a round of the distributed DP pipeline uses, derived from its settings.</summary>
/// <param name="Scale">Grid step γ: a value x becomes the integer x / γ, randomly rounded.</param>
/// <param name="PaddedDimension">Length after the rotation: the next power of two.</param>
/// <param name="ScaledClip">The clip norm on the integer grid, c / γ.</param>
/// <param name="Sensitivity">
/// L2 sensitivity of one client's rounded vector on the grid: the conditional rounding's
/// norm bound.
/// </param>
/// <param name="LocalVariance">Variance of each client's integer noise, σ² / (n·γ²).</param>
/// <param name="OverflowProbability">Bound on the chance that any coordinate wraps around.</param>
/// <param name="Clip">The L2 clip norm c.</param>
/// <param name="Dimension">Length of an update before padding.</param>
/// <param name="Bits">The sum lives modulo 2^Bits.</param>
/// <param name="Beta">Failure probability of one conditional rounding.</param>
public sealed record DistributedNoiseParameters(
    double Scale,
    int PaddedDimension,
    double ScaledClip,
    double Sensitivity,
    double LocalVariance,
    double OverflowProbability,
    double Clip,
    int Dimension,
    int Bits,
    double Beta)
{
    /// <summary>
    /// The Skellam parameter μ of each client's noise: Skellam(μ) has variance 2μ, and n
    /// clients' shares add up to Skellam(n·μ).
    /// </summary>
    public double LocalSkellamMu => LocalVariance / 2;

    /// <summary>Derives the parameters of a round.</summary>
    /// <param name="noiseMultiplier">z: the central noise standard deviation over the clip.</param>
    /// <param name="clip">c: the L2 clip norm of each client's update.</param>
    /// <param name="clients">n: the number of clients expected in the sum.</param>
    /// <param name="bits">b: the sum lives modulo 2^b.</param>
    /// <param name="dimension">d: the length of an update.</param>
    /// <param name="beta">Failure probability β of one conditional rounding.</param>
    /// <param name="maxOverflowProbability">
    /// Largest acceptable chance that some coordinate of the sum wraps around; it fixes k,
    /// the standard deviations kept inside the modular range.
    /// </param>
    /// <param name="flatness">ρ: how unevenly a rotated vector's norm may be spread, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A setting is outside its range, or b bits cannot hold n clients' values.
    /// </exception>
    public static DistributedNoiseParameters Compute(
        double noiseMultiplier,
        double clip,
        int clients,
        int bits,
        int dimension,
        double beta = 0.6065306597126334,
        double maxOverflowProbability = 1e-6,
        double flatness = 1)
    {
        Positive(noiseMultiplier, nameof(noiseMultiplier));
        Positive(clip, nameof(clip));
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (!(maxOverflowProbability > 0 && maxOverflowProbability < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxOverflowProbability), maxOverflowProbability, "Must be in (0, 1).");
        }

        if (!(flatness >= 1) || double.IsPositiveInfinity(flatness))
        {
            throw new ArgumentOutOfRangeException(nameof(flatness), flatness, "Must be finite and at least 1.");
        }

        int padded = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)dimension);
        double deviations = Math.Sqrt(2 * Math.Log(2.0 * padded / maxOverflowProbability));
        double halfRangeSquared = Math.Pow(4, bits - 1);
        double roundingRoom = halfRangeSquared - deviations * deviations * clients / 4;
        if (!(roundingRoom > 0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(bits), bits,
                $"2^{bits} cannot hold the sum of {clients} clients' values: use more bits or fewer clients.");
        }

        double sigma = noiseMultiplier * clip;
        double signal = flatness * clip * clip * clients * (double)clients / padded + sigma * sigma;
        double scale = deviations * Math.Sqrt(signal) / Math.Sqrt(roundingRoom);
        double scaledClip = clip / scale;
        return new DistributedNoiseParameters(
            scale,
            padded,
            scaledClip,
            ConditionalRandomizedRounding.NormBound(scaledClip, padded, beta),
            sigma * sigma / (clients * scale * scale),
            Math.Min(1, padded * 2 * Math.Exp(-deviations * deviations / 2)),
            clip,
            dimension,
            bits,
            beta);
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive and finite.");
        }
    }
}
