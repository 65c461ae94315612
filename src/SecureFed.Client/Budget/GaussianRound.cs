using System.Text.Json.Serialization;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Client.Budget;

/// <summary>One release with Gaussian noise: central DP at the server, or local noise.</summary>
/// <param name="FederationId">The federation.</param>
/// <param name="RoundId">The round.</param>
/// <param name="NoiseMultiplier">Noise standard deviation over the L2 sensitivity.</param>
public sealed record GaussianRound(string FederationId, string RoundId, double NoiseMultiplier)
    : RoundMechanism(FederationId, RoundId)
{
    internal const string KindName = "gaussian";

    /// <inheritdoc/>
    [JsonIgnore]
    public override string Kind => KindName;

    internal override void ComposeInto(RdpAccountant accountant) =>
        accountant.ComposeGaussian(NoiseMultiplier);
}
