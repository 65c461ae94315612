// Privacy loss distribution (PLD) accountant after Google's dp_accounting
// (pld/privacy_loss_distribution.py and pld_privacy_accountant.py): each mechanism's PLD is
// discretised pessimistically on a grid of interval 1e-4 (PrivacyLossDistribution), composed
// over the steps by FFT, and read as (epsilon, delta). For the Poisson-subsampled Gaussian under
// add-or-remove neighbours the remove and add PLDs are composed separately and the larger of
// the two epsilons (or deltas) is reported. Tighter than RDP (RdpAccountant) for the same run,
// at the cost of a few hundred thousand grid points.
//
// The Gaussian is discretised by connect-the-dots (Doroshenko, Ghazi, Kamath, Kumar and
// Manurangsi, PETS 2022), as in dp_accounting, unless PldDiscretisation.RoundUp is asked for:
// rounding every loss up lets T steps drift by up to T h (0.3 at T = 6000, h = 1e-4).
//
// Limitation: the Laplace mechanism is still rounded up, since its law under Q (needed for
// connect-the-dots) is not written out; over many runs pass it a finer discretization.

namespace SecureFed.Privacy.Accounting.Pld;

/// <summary>
/// (epsilon, delta) of repeated mechanisms through their privacy loss distributions.
/// </summary>
public static class PldAccountant
{
    /// <summary>dp_accounting's default value discretisation interval.</summary>
    public const double DefaultDiscretization = 1e-4;

    /// <summary>
    /// Epsilon of <paramref name="steps"/> steps of the Poisson-subsampled Gaussian mechanism
    /// (sensitivity 1) at <paramref name="delta"/>; a sample rate of 1 gives the plain Gaussian.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="discretization">Grid interval of the privacy loss; positive.</param>
    /// <param name="scheme">How the privacy loss is put on the grid.</param>
    /// <returns>An upper bound on epsilon, not negative; infinity if none meets delta.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    /// <exception cref="InvalidOperationException">The grid would need more than 2^24
    /// points.</exception>
    public static double Epsilon(
        double noiseMultiplier,
        double sampleRate,
        int steps,
        double delta,
        double discretization = DefaultDiscretization,
        PldDiscretisation scheme = PldDiscretisation.ConnectTheDots)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        RdpArguments.CheckSteps(steps);
        RdpArguments.CheckDelta(delta);
        RdpArguments.CheckPositive(discretization, nameof(discretization));
        CheckScheme(scheme);
        return EpsilonCore(noiseMultiplier, sampleRate, steps, delta, discretization, scheme);
    }

    /// <summary>
    /// Delta of <paramref name="steps"/> steps of the Poisson-subsampled Gaussian mechanism
    /// (sensitivity 1) at <paramref name="epsilon"/>; a sample rate of 1 gives the plain Gaussian.
    /// </summary>
    /// <param name="noiseMultiplier">Noise standard deviation over L2 sensitivity;
    /// positive.</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="epsilon">Epsilon; finite, and may be negative.</param>
    /// <param name="discretization">Grid interval of the privacy loss; positive.</param>
    /// <param name="scheme">How the privacy loss is put on the grid.</param>
    /// <returns>An upper bound on delta, in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    /// <exception cref="InvalidOperationException">The grid would need more than 2^24
    /// points.</exception>
    public static double Delta(
        double noiseMultiplier,
        double sampleRate,
        int steps,
        double epsilon,
        double discretization = DefaultDiscretization,
        PldDiscretisation scheme = PldDiscretisation.ConnectTheDots)
    {
        RdpArguments.CheckNoiseMultiplier(noiseMultiplier);
        RdpArguments.CheckSampleRate(sampleRate);
        RdpArguments.CheckSteps(steps);
        CheckFiniteEpsilon(epsilon);
        RdpArguments.CheckPositive(discretization, nameof(discretization));
        CheckScheme(scheme);

        double delta = 0.0;
        foreach (PrivacyLoss loss in GaussianLosses(noiseMultiplier, sampleRate))
        {
            delta = Math.Max(delta, Compose(loss, steps, discretization, scheme).Delta(epsilon));
        }

        return delta;
    }

    /// <summary>
    /// Epsilon of <paramref name="steps"/> runs of the Laplace mechanism with sensitivity 1 and
    /// parameter <paramref name="scale"/> at <paramref name="delta"/>.
    /// </summary>
    /// <param name="scale">Laplace parameter b; positive.</param>
    /// <param name="steps">Number of runs; at least 1.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="discretization">Grid interval of the privacy loss; positive.</param>
    /// <returns>An upper bound on epsilon, not negative.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    /// <exception cref="InvalidOperationException">The grid would need more than 2^24
    /// points.</exception>
    public static double LaplaceEpsilon(
        double scale, int steps, double delta, double discretization = DefaultDiscretization)
    {
        RdpArguments.CheckPositive(scale, nameof(scale));
        RdpArguments.CheckSteps(steps);
        RdpArguments.CheckDelta(delta);
        RdpArguments.CheckPositive(discretization, nameof(discretization));
        var loss = new LaplacePrivacyLoss(scale);
        return Compose(loss, steps, discretization, PldDiscretisation.RoundUp).Epsilon(delta);
    }

    /// <summary>
    /// Delta of <paramref name="steps"/> runs of the Laplace mechanism with sensitivity 1 and
    /// parameter <paramref name="scale"/> at <paramref name="epsilon"/>.
    /// </summary>
    /// <param name="scale">Laplace parameter b; positive.</param>
    /// <param name="steps">Number of runs; at least 1.</param>
    /// <param name="epsilon">Epsilon; finite, and may be negative.</param>
    /// <param name="discretization">Grid interval of the privacy loss; positive.</param>
    /// <returns>An upper bound on delta, in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    /// <exception cref="InvalidOperationException">The grid would need more than 2^24
    /// points.</exception>
    public static double LaplaceDelta(
        double scale, int steps, double epsilon, double discretization = DefaultDiscretization)
    {
        RdpArguments.CheckPositive(scale, nameof(scale));
        RdpArguments.CheckSteps(steps);
        CheckFiniteEpsilon(epsilon);
        RdpArguments.CheckPositive(discretization, nameof(discretization));
        var loss = new LaplacePrivacyLoss(scale);
        return Compose(loss, steps, discretization, PldDiscretisation.RoundUp).Delta(epsilon);
    }

    /// <summary>
    /// The smallest noise multiplier (to 1e-4 relative) for which <paramref name="steps"/> steps
    /// of the Poisson-subsampled Gaussian mechanism at <paramref name="sampleRate"/> spend at most
    /// <paramref name="targetEpsilon"/> at <paramref name="delta"/> by this accountant.
    /// </summary>
    /// <param name="targetEpsilon">Epsilon budget; positive and finite.</param>
    /// <param name="delta">Target delta; in (0, 1).</param>
    /// <param name="sampleRate">Poisson sample rate; in (0, 1].</param>
    /// <param name="steps">Number of steps; at least 1.</param>
    /// <param name="discretization">Grid interval of the privacy loss; positive.</param>
    /// <param name="scheme">How the privacy loss is put on the grid.</param>
    /// <returns>The noise multiplier.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range, or the
    /// target needs a noise multiplier above 1e6.</exception>
    /// <exception cref="InvalidOperationException">A multiplier tried needs a grid of more than
    /// 2^24 points (very large targets).</exception>
    public static double NoiseMultiplierFor(
        double targetEpsilon,
        double delta,
        double sampleRate,
        int steps,
        double discretization = DefaultDiscretization,
        PldDiscretisation scheme = PldDiscretisation.ConnectTheDots)
    {
        Calibration.CheckTarget(targetEpsilon, delta, sampleRate, steps);
        RdpArguments.CheckPositive(discretization, nameof(discretization));
        CheckScheme(scheme);

        return Calibration.SmallestMeeting(
            sigma => EpsilonCore(sigma, sampleRate, steps, delta, discretization, scheme) <= targetEpsilon,
            targetEpsilon);
    }

    private static double EpsilonCore(
        double noiseMultiplier,
        double sampleRate,
        int steps,
        double delta,
        double discretization,
        PldDiscretisation scheme)
    {
        double epsilon = 0.0;
        foreach (PrivacyLoss loss in GaussianLosses(noiseMultiplier, sampleRate))
        {
            epsilon = Math.Max(
                epsilon, Compose(loss, steps, discretization, scheme).Epsilon(delta));
        }

        return epsilon;
    }

    // Without subsampling the two directions have the same PLD (the Gaussian is symmetric), so
    // one suffices; with it, both are needed and neither dominates in general.
    private static PrivacyLoss[] GaussianLosses(double noiseMultiplier, double sampleRate) =>
        sampleRate == 1.0
            ? [new GaussianPrivacyLoss(noiseMultiplier, 1.0, NeighbouringRelation.Remove)]
            :
            [
                new GaussianPrivacyLoss(noiseMultiplier, sampleRate, NeighbouringRelation.Remove),
                new GaussianPrivacyLoss(noiseMultiplier, sampleRate, NeighbouringRelation.Add),
            ];

    private static PrivacyLossDistribution Compose(
        PrivacyLoss loss, int steps, double discretization, PldDiscretisation scheme) =>
        PrivacyLossDistribution.FromPrivacyLoss(loss, discretization, scheme).SelfCompose(steps);

    private static void CheckScheme(PldDiscretisation scheme)
    {
        if (scheme is not (PldDiscretisation.ConnectTheDots or PldDiscretisation.RoundUp))
        {
            throw new ArgumentOutOfRangeException(
                nameof(scheme), scheme, "Unknown discretisation scheme.");
        }
    }

    private static void CheckFiniteEpsilon(double epsilon)
    {
        if (!double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(
                nameof(epsilon), epsilon, "Epsilon must be finite.");
        }
    }
}
