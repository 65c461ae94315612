using System.Text.Json.Serialization;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Client.Budget;

/// <summary>A round of the distributed DP pipeline with Skellam noise.</summary>
/// <param name="FederationId">The federation.</param>
/// <param name="RoundId">The round.</param>
/// <param name="L1Sensitivity">L1 sensitivity in grid units.</param>
/// <param name="L2Sensitivity">L2 sensitivity in grid units.</param>
/// <param name="Variance">Variance per coordinate of the Skellam noise in the sum.</param>
/// <param name="SampleRate">Poisson sample rate of clients; 1 when chosen for sure.</param>
public sealed record SkellamRound(
    string FederationId,
    string RoundId,
    double L1Sensitivity,
    double L2Sensitivity,
    double Variance,
    double SampleRate = 1.0)
    : RoundMechanism(FederationId, RoundId)
{
    internal const string KindName = "skellam";

    /// <inheritdoc/>
    [JsonIgnore]
    public override string Kind => KindName;

    internal override void ComposeInto(RdpAccountant accountant) =>
        accountant.ComposeSkellam(L1Sensitivity, L2Sensitivity, Variance, 1, SampleRate);
}
