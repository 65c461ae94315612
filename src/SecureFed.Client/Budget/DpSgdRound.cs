using System.Text.Json.Serialization;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Client.Budget;

/// <summary>
/// Record-level DP-SGD inside the client: <paramref name="Steps"/> steps of the Gaussian
/// mechanism on Poisson samples of the client's records.
/// </summary>
/// <param name="FederationId">The federation.</param>
/// <param name="RoundId">The round.</param>
/// <param name="NoiseMultiplier">Noise standard deviation over the per-example clip norm.</param>
/// <param name="SampleRate">Chance that a record is in a step's batch; in (0, 1].</param>
/// <param name="Steps">Optimizer steps taken in the round; at least 1.</param>
public sealed record DpSgdRound(
    string FederationId, string RoundId, double NoiseMultiplier, double SampleRate, int Steps)
    : RoundMechanism(FederationId, RoundId)
{
    internal const string KindName = "dp_sgd";

    /// <inheritdoc/>
    [JsonIgnore]
    public override string Kind => KindName;

    internal override void ComposeInto(RdpAccountant accountant) =>
        accountant.ComposePoissonSampledGaussian(NoiseMultiplier, SampleRate, Steps);
}
