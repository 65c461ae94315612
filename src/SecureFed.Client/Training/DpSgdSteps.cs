namespace SecureFed.Client.Training;

/// <summary>
/// The DP-SGD steps of one <c>securefed train</c> call, as the record-level accountant keeps
/// them: each step one run of the Poisson-subsampled Gaussian mechanism.
/// </summary>
/// <param name="Steps">The steps taken; at least 1.</param>
/// <param name="SampleRate">The chance that a record joins a step's batch; in (0, 1].</param>
/// <param name="NoiseMultiplier">Noise standard deviation over the per-example clip norm.</param>
public sealed record DpSgdSteps(int Steps, double SampleRate, double NoiseMultiplier);
