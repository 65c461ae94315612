using System.Text.Json.Serialization;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Client.Budget;

/// <summary>One release with Laplace noise.</summary>
/// <param name="FederationId">The federation.</param>
/// <param name="RoundId">The round.</param>
/// <param name="NoiseMultiplier">Laplace scale over the L1 sensitivity.</param>
/// <param name="SampleRate">Poisson sample rate of clients; 1 when chosen for sure.</param>
public sealed record LaplaceRound(
    string FederationId, string RoundId, double NoiseMultiplier, double SampleRate = 1.0)
    : RoundMechanism(FederationId, RoundId)
{
    internal const string KindName = "laplace";

    /// <inheritdoc/>
    [JsonIgnore]
    public override string Kind => KindName;

    internal override void ComposeInto(RdpAccountant accountant) =>
        accountant.ComposeLaplace(NoiseMultiplier, 1, SampleRate);
}
