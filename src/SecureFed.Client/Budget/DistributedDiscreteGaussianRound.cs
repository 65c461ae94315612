using System.Text.Json.Serialization;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Client.Budget;

/// <summary>A round of the distributed DP pipeline with discrete Gaussian noise.</summary>
/// <param name="FederationId">The federation.</param>
/// <param name="RoundId">The round.</param>
/// <param name="L1Sensitivity">L1 sensitivity in grid units.</param>
/// <param name="L2Sensitivity">L2 sensitivity in grid units.</param>
/// <param name="LocalStddev">Each client's noise standard deviation in grid units.</param>
/// <param name="Clients">Clients whose noise is certain to be in the sum.</param>
/// <param name="Dimension">Coordinates of the (padded) vector.</param>
/// <param name="SampleRate">Poisson sample rate of clients; 1 when chosen for sure.</param>
public sealed record DistributedDiscreteGaussianRound(
    string FederationId,
    string RoundId,
    double L1Sensitivity,
    double L2Sensitivity,
    double LocalStddev,
    int Clients,
    int Dimension,
    double SampleRate = 1.0)
    : RoundMechanism(FederationId, RoundId)
{
    internal const string KindName = "distributed_discrete_gaussian";

    /// <inheritdoc/>
    [JsonIgnore]
    public override string Kind => KindName;

    internal override void ComposeInto(RdpAccountant accountant) =>
        accountant.ComposeDistributedDiscreteGaussian(
            L1Sensitivity, L2Sensitivity, LocalStddev, Clients, Dimension, 1, SampleRate);
}
