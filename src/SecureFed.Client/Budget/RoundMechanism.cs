// How one round protects a client's data, in the parameters the Rényi DP accountant of
// SecureFed.Privacy takes (RdpAccountant): the central Gaussian (Mironov 2017), record-level
// DP-SGD as the Poisson-subsampled Gaussian (Mironov, Talwar, Zhang 2019), Laplace (Mironov 2017),
// Skellam (Agarwal, Kairouz, Liu, NeurIPS 2021) and the distributed discrete Gaussian (Kairouz,
// Liu, Steinke, ICML 2021). The rounds are stored in the client's budget file, one JSON object
// each, told apart by "kind".

using System.Text.Json.Serialization;
using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Client.Budget;

/// <summary>
/// The privacy mechanism through which one round of a federation touches this client's data.
/// The kinds are the derived records; each maps onto one of <see cref="RdpAccountant"/>'s
/// mechanisms.
/// </summary>
/// <param name="FederationId">The federation the round belongs to.</param>
/// <param name="RoundId">The round, unique within its federation.</param>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(GaussianRound), GaussianRound.KindName)]
[JsonDerivedType(typeof(DpSgdRound), DpSgdRound.KindName)]
[JsonDerivedType(typeof(LaplaceRound), LaplaceRound.KindName)]
[JsonDerivedType(typeof(SkellamRound), SkellamRound.KindName)]
[JsonDerivedType(typeof(DistributedDiscreteGaussianRound), DistributedDiscreteGaussianRound.KindName)]
public abstract record RoundMechanism(string FederationId, string RoundId)
{
    /// <summary>The name of the mechanism, as written in the budget file.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>
    /// The mechanism of a round of the distributed DP pipeline (clip, rotate, round, add integer
    /// noise, aggregate securely), from the round's <see cref="DistributedNoiseParameters"/>.
    /// </summary>
    /// <param name="federationId">The federation.</param>
    /// <param name="roundId">The round.</param>
    /// <param name="parameters">The round's pipeline parameters.</param>
    /// <param name="noise">The integer noise each client adds.</param>
    /// <param name="clients">The fewest clients whose noise is certain to be in the sum (for a
    /// cautious client, the round's secure-aggregation threshold, not the number invited).</param>
    /// <param name="sampleRate">The rate at which clients are Poisson-sampled into the round;
    /// 1 when this client was chosen for sure.</param>
    /// <returns>A <see cref="SkellamRound"/> or a <see cref="DistributedDiscreteGaussianRound"/>.
    /// Its L2 sensitivity is the rounding's norm bound; its L1 sensitivity the smaller of that
    /// bound squared (an integer vector's L1 norm is at most its squared L2 norm) and the square
    /// root of the padded dimension times it (Cauchy-Schwarz).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count or the noise kind is out of
    /// range.</exception>
    public static RoundMechanism ForDistributedNoise(
        string federationId,
        string roundId,
        DistributedNoiseParameters parameters,
        DistributedNoise noise,
        int clients,
        double sampleRate = 1.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        double l2 = parameters.Sensitivity;
        double l1 = Math.Min(l2 * l2, Math.Sqrt(parameters.PaddedDimension) * l2);
        return noise switch
        {
            DistributedNoise.Skellam => new SkellamRound(
                federationId, roundId, l1, l2, clients * parameters.LocalVariance, sampleRate),
            DistributedNoise.DiscreteGaussian => new DistributedDiscreteGaussianRound(
                federationId, roundId, l1, l2, Math.Sqrt(parameters.LocalVariance), clients,
                parameters.PaddedDimension, sampleRate),
            _ => throw new ArgumentOutOfRangeException(nameof(noise), noise, "Unknown kind of noise."),
        };
    }

    /// <summary>Adds this round to <paramref name="accountant"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its range.</exception>
    internal abstract void ComposeInto(RdpAccountant accountant);
}
