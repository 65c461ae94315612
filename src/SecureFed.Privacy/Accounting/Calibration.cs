// Calibration of the noise multiplier of the Poisson-subsampled Gaussian mechanism to a target
// (epsilon, delta), with the RDP accountant (RdpAccountant.Epsilon). Epsilon falls as the noise
// multiplier grows, so the smallest multiplier meeting the target is found by bracketing
// (doubling and halving) and then bisection, to 1e-4 relative.

namespace SecureFed.Privacy.Accounting;

/// <summary>Noise calibration for a privacy budget.</summary>
public static class Calibration
{
    // Half the promised 1e-4, so that a multiplier 1e-4 smaller is certainly below the bracket.
    private const double RelativeTolerance = 0.5e-4;

    // Bracketing gives up beyond these: no meaningful training run needs more noise than the
    // upper one, and below the lower one the target is met by essentially no noise at all.
    private const double MaxNoiseMultiplier = 1e6;
    private const double MinNoiseMultiplier = 1e-6;

    /// <summary>
    /// The smallest noise multiplier (to 1e-4 relative) for which <paramref name="steps"/> steps
    /// of the Poisson-subsampled Gaussian mechanism at <paramref name="sampleRate"/> spend at most
    /// <paramref name="targetEpsilon"/> at <paramref name="delta"/>. The multiplier returned meets
    /// the target; one 1e-4 smaller (relative) does not.
    /// </summary>
    /// <param name="targetEpsilon">Epsilon budget; positive and finite.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="orders">Rényi orders; <see cref="RdpOrders.Default"/> when null.</param>
    /// <returns>The noise multiplier.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range, or the
    /// target needs a noise multiplier above 1e6.</exception>
    public static double NoiseMultiplierFor(
        double targetEpsilon,
        double delta,
        double sampleRate,
        int steps,
        IReadOnlyList<double>? orders = null)
    {
        Calibration.CheckTarget(targetEpsilon, delta, sampleRate, steps);
        IReadOnlyList<double> grid = orders ?? RdpOrders.Default;
        RdpArguments.CheckOrders(grid);

        return SmallestMeeting(
            sigma => RdpAccountant.Epsilon(sigma, sampleRate, steps, delta, grid).Epsilon <= targetEpsilon,
            targetEpsilon);
    }

    /// <summary>Checks the budget and the sampling of a calibration, for every accountant.</summary>
    internal static void CheckTarget(double targetEpsilon, double delta, double sampleRate, int steps)
    {
        if (!double.IsFinite(targetEpsilon) || targetEpsilon <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(targetEpsilon), targetEpsilon,
                "The target epsilon must be positive and finite.");
        }

        RdpArguments.CheckDelta(delta);
        RdpArguments.CheckSampleRate(sampleRate);
        RdpArguments.CheckSteps(steps);
    }

    /// <summary>
    /// The smallest noise multiplier (to 1e-4 relative) for which <paramref name="meets"/>
    /// holds, given that it holds for every larger one. Shared by the accountants.
    /// </summary>
    internal static double SmallestMeeting(Func<double, bool> meets, double targetEpsilon)
    {
        // Invariant from here on: high meets the target, low does not.
        double high = 1.0;
        while (!meets(high))
        {
            high *= 2.0;
            if (high > MaxNoiseMultiplier)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(targetEpsilon), targetEpsilon,
                    "The target needs a noise multiplier above 1e6.");
            }
        }

        double low = high / 2.0;
        while (meets(low))
        {
            high = low;
            low /= 2.0;
            if (low < MinNoiseMultiplier)
            {
                return high;
            }
        }

        while (high - low > RelativeTolerance * high)
        {
            double middle = 0.5 * (low + high);
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
