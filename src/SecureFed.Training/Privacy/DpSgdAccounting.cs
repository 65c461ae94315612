// Accounting of DP-SGD with the RDP accountant of SecureFed.Privacy: every local step is one
// run of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar and Zhang, "Rényi
// Differential Privacy of the Sampled Gaussian Mechanism", 2019), composed over all steps.
// Only the integer orders of RdpOrders.Default are used: at integer orders the bound holds
// for the discrete Gaussian noise the trainer adds too (see DpSgdNoise).
//
// A client may also have run a plain Gaussian mechanism on the same records before training
// (the feature moments of PrivateFeatureMoments). Its RDP alpha / (2 z^2) adds to that of the
// steps at every order, and the overloads with a prior noise multiplier account for both;
// calibration then bisects on the DP-SGD multiplier with the prior held fixed, as
// Calibration does without one: bracket by doubling and halving, then bisect to 1e-4 relative.

using SecureFed.Privacy.Accounting;

namespace SecureFed.Training.Privacy;

/// <summary>Epsilon and noise calibration for record-level DP-SGD.</summary>
public static class DpSgdAccounting
{
    /// <summary>The integer Rényi orders of <see cref="RdpOrders.Default"/>.</summary>
    public static IReadOnlyList<double> Orders { get; } =
        [.. RdpOrders.Default.Where(order => order == Math.Floor(order))];

    /// <summary>
    /// The epsilon at <paramref name="delta"/> of <paramref name="steps"/> steps with the
    /// given noise multiplier and Poisson sample rate.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity; positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Epsilon(double noiseMultiplier, double sampleRate, int steps, double delta) =>
        RdpAccountant.Epsilon(noiseMultiplier, sampleRate, steps, delta, Orders).Epsilon;

    /// <summary>
    /// The smallest noise multiplier (to 1e-4 relative) with which <paramref name="steps"/>
    /// steps spend at most <paramref name="targetEpsilon"/> at <paramref name="delta"/>.
    /// </summary>
    /// <param name="targetEpsilon">Epsilon budget; positive and finite.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double NoiseMultiplierFor(
        double targetEpsilon, double delta, double sampleRate, int steps) =>
        Calibration.NoiseMultiplierFor(targetEpsilon, delta, sampleRate, steps, Orders);

    /// <summary>
    /// The epsilon at <paramref name="delta"/> of one Gaussian mechanism with noise multiplier
    /// <paramref name="priorGaussianNoiseMultiplier"/> followed by <paramref name="steps"/>
    /// DP-SGD steps, all on the same records.
    /// </summary>
    /// <param name="noiseMultiplier">DP-SGD noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="priorGaussianNoiseMultiplier">The earlier Gaussian mechanism's noise
    /// standard deviation over its L2 sensitivity; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double Epsilon(
        double noiseMultiplier,
        double sampleRate,
        int steps,
        double delta,
        double priorGaussianNoiseMultiplier)
    {
        var accountant = NewAccountant(priorGaussianNoiseMultiplier);
        accountant.ComposePoissonSampledGaussian(noiseMultiplier, sampleRate, steps);
        return accountant.GetEpsilon(delta).Epsilon;
    }

    /// <summary>
    /// The smallest DP-SGD noise multiplier (to 1e-4 relative) with which one Gaussian
    /// mechanism of multiplier <paramref name="priorGaussianNoiseMultiplier"/> followed by
    /// <paramref name="steps"/> steps spend at most <paramref name="targetEpsilon"/> at
    /// <paramref name="delta"/>.
    /// </summary>
    /// <param name="targetEpsilon">Epsilon budget of both together; positive and finite.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="priorGaussianNoiseMultiplier">The earlier Gaussian mechanism's noise
    /// standard deviation over its L2 sensitivity; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range, the
    /// earlier mechanism alone spends the target, or the target needs a multiplier above
    /// 1e6.</exception>
    public static double NoiseMultiplierFor(
        double targetEpsilon,
        double delta,
        double sampleRate,
        int steps,
        double priorGaussianNoiseMultiplier)
    {
        CheckTargetEpsilon(targetEpsilon);
        var prior = GaussianEpsilon(priorGaussianNoiseMultiplier, delta);
        if (prior >= targetEpsilon)
        {
            throw new ArgumentOutOfRangeException(
                nameof(priorGaussianNoiseMultiplier),
                priorGaussianNoiseMultiplier,
                $"The earlier mechanism alone spends epsilon {prior:G4}, leaving nothing of "
                + $"{targetEpsilon:G4} for training.");
        }

        // Validates the sampling before the search starts.
        _ = Epsilon(1.0, sampleRate, steps, delta, priorGaussianNoiseMultiplier);
        return SmallestMeeting(
            z => Epsilon(z, sampleRate, steps, delta, priorGaussianNoiseMultiplier)
                <= targetEpsilon,
            nameof(targetEpsilon),
            targetEpsilon);
    }

    /// <summary>
    /// The epsilon at <paramref name="delta"/> of one Gaussian mechanism with noise
    /// multiplier <paramref name="noiseMultiplier"/>, over <see cref="Orders"/>.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    public static double GaussianEpsilon(double noiseMultiplier, double delta) =>
        NewAccountant(noiseMultiplier).GetEpsilon(delta).Epsilon;

    /// <summary>
    /// The smallest noise multiplier (to 1e-4 relative) with which one Gaussian mechanism
    /// spends at most <paramref name="targetEpsilon"/> at <paramref name="delta"/>.
    /// </summary>
    /// <param name="targetEpsilon">Epsilon budget; positive and finite.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range, or the
    /// target needs a multiplier above 1e6.</exception>
    public static double GaussianNoiseMultiplierFor(double targetEpsilon, double delta)
    {
        CheckTargetEpsilon(targetEpsilon);
        _ = GaussianEpsilon(1.0, delta);
        return SmallestMeeting(
            z => GaussianEpsilon(z, delta) <= targetEpsilon, nameof(targetEpsilon), targetEpsilon);
    }

    /// <summary>
    /// A new accountant over <see cref="Orders"/>, already charged with one Gaussian
    /// mechanism of multiplier <paramref name="priorGaussianNoiseMultiplier"/> when given.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The multiplier is not positive.</exception>
    public static RdpAccountant NewAccountant(double? priorGaussianNoiseMultiplier)
    {
        var accountant = new RdpAccountant(Orders);
        if (priorGaussianNoiseMultiplier is { } prior)
        {
            accountant.ComposeGaussian(prior);
        }

        return accountant;
    }

    private static void CheckTargetEpsilon(double targetEpsilon)
    {
        if (!(targetEpsilon > 0 && double.IsFinite(targetEpsilon)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(targetEpsilon), targetEpsilon, "Must be positive and finite.");
        }
    }

    // The smallest z in [1e-6, 1e6] (to 1e-4 relative) that meets the target, given that
    // every larger z meets it too: epsilon falls as the noise grows.
    private static double SmallestMeeting(Func<double, bool> meets, string name, double target)
    {
        const double relativeTolerance = 0.5e-4;
        var high = 1.0;
        while (!meets(high))
        {
            high *= 2;
            if (high > 1e6)
            {
                throw new ArgumentOutOfRangeException(
                    name, target, "The target needs a noise multiplier above 1e6.");
            }
        }

        var low = high / 2;
        while (meets(low))
        {
            high = low;
            low /= 2;
            if (low < 1e-6)
            {
                return high;
            }
        }

        while (high - low > relativeTolerance * high)
        {
            var middle = 0.5 * (low + high);
            if (meets(middle))
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return high;
    }
}
