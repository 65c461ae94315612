namespace SecureFed.Training.Privacy;

/// <summary>
/// Record-level differential privacy of a client's local training (DP-SGD): Poisson-sampled
/// batches, per-example clipping to <see cref="ClipNorm"/>, exact discrete Gaussian noise on
/// the sum of the clipped gradients, and an RDP accountant over every local step.
/// </summary>
/// <remarks>
/// Set exactly one of <see cref="TargetEpsilon"/> (the noise multiplier is then calibrated
/// for <see cref="PlannedSteps"/>) and <see cref="NoiseMultiplier"/>.
/// </remarks>
public sealed record RecordLevelDpOptions
{
    /// <summary>
    /// The epsilon budget of all local steps of all rounds together; requires
    /// <see cref="PlannedSteps"/>. Null when <see cref="NoiseMultiplier"/> is given instead.
    /// </summary>
    public double? TargetEpsilon { get; init; }

    /// <summary>
    /// The noise standard deviation over the L2 sensitivity of one batch's gradient sum.
    /// Null when it is calibrated from <see cref="TargetEpsilon"/>.
    /// </summary>
    public double? NoiseMultiplier { get; init; }

    /// <summary>The delta at which epsilon is reported; 1e-5 by default.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>The L2 norm C to which each example's gradient is clipped; 1 by default.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>
    /// The probability q with which each example joins a batch. Null means the batch size
    /// over the number of rows of the first data set trained on.
    /// </summary>
    public double? SampleRate { get; init; }

    /// <summary>
    /// The local steps planned over the whole federation; the trainer refuses to take more.
    /// Required with <see cref="TargetEpsilon"/>, optional otherwise.
    /// </summary>
    public int? PlannedSteps { get; init; }

    /// <summary>
    /// The noise multiplier of a Gaussian mechanism this client ran on the same records
    /// before training, such as the feature moments of <see cref="PrivateFeatureMoments"/>;
    /// null when there was none. The accountant is charged with it before the first step,
    /// and calibration from <see cref="TargetEpsilon"/> leaves room for it.
    /// </summary>
    public double? PriorGaussianNoiseMultiplier { get; init; }

    /// <summary>Checks that every option lies in its range.</summary>
    /// <exception cref="ArgumentException">Both or neither of the target epsilon and the
    /// noise multiplier are set, or the target epsilon lacks planned steps.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (TargetEpsilon.HasValue == NoiseMultiplier.HasValue)
        {
            throw new ArgumentException(
                "Set exactly one of the target epsilon and the noise multiplier.");
        }

        if (TargetEpsilon is { } epsilon && !(epsilon > 0 && double.IsFinite(epsilon)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(TargetEpsilon), epsilon, "Must be positive and finite.");
        }

        if (TargetEpsilon.HasValue && !PlannedSteps.HasValue)
        {
            throw new ArgumentException("A target epsilon needs the planned number of steps.");
        }

        if (NoiseMultiplier is { } multiplier && !(multiplier > 0 && double.IsFinite(multiplier)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(NoiseMultiplier), multiplier, "Must be positive and finite.");
        }

        if (!(Delta > 0 && Delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Delta), Delta, "Must lie in (0, 1).");
        }

        if (!(ClipNorm > 0 && double.IsFinite(ClipNorm)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(ClipNorm), ClipNorm, "Must be positive and finite.");
        }

        if (SampleRate is { } rate && !(rate > 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), rate, "Must lie in (0, 1].");
        }

        if (PriorGaussianNoiseMultiplier is { } prior && !(prior > 0 && double.IsFinite(prior)))
        {
            throw new ArgumentOutOfRangeException(
                nameof(PriorGaussianNoiseMultiplier), prior, "Must be positive and finite.");
        }

        if (PlannedSteps is { } steps)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, nameof(PlannedSteps));
        }
    }
}
