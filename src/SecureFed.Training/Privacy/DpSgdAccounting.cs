// Accounting of DP-SGD with the RDP accountant of SecureFed.Privacy: every local step is one
// run of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar and Zhang, "Rényi
// Differential Privacy of the Sampled Gaussian Mechanism", 2019), composed over all steps.
// Only the integer orders of RdpOrders.Default are used: at integer orders the bound holds
// for the discrete Gaussian noise the trainer adds too (see DpSgdNoise).

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
}
