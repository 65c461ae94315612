// The federation's privacy budget, recomputed from the rounds it has completed: every round
// with distributed DP noise composes into one RDP accountant (Skellam, Agarwal, Kairouz and
// Liu 2021; or the distributed discrete Gaussian, Kairouz, Liu and Steinke 2021), which is
// converted to epsilon at the federation's delta.
//
// With distributed noise each contributor adds one share, so a client that drops out takes
// its share with it and the published sum carries less noise than planned. A completed
// round is therefore charged with the shares actually in its sum, min(contributors,
// expected). Before a round opens, the check assumes the worst sum the round can publish,
// one of only MinClients contributors, and refuses the round if that could pass the limit.

using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Enclave.Rounds;

/// <summary>A completed round and the number of clients whose contributions are in its sum.</summary>
public sealed record ChargedRound(RoundSettings Settings, int Contributors);

/// <summary>The federation's epsilon spent, and what a round would add to it.</summary>
public sealed class PrivacyBudget
{
    private readonly double _delta;
    private readonly List<ChargedRound> _charged;
    private readonly Lock _gate = new();

    /// <summary>Starts from the rounds already charged, oldest first.</summary>
    public PrivacyBudget(double delta, IEnumerable<ChargedRound> charged)
    {
        ArgumentNullException.ThrowIfNull(charged);
        _delta = delta;
        _charged = [.. charged.Where(c => c.Settings.Dp is not null)];
    }

    /// <summary>Epsilon spent by the rounds charged so far.</summary>
    public double EpsilonSpent()
    {
        lock (_gate)
        {
            return Epsilon(_charged);
        }
    }

    /// <summary>
    /// The most epsilon could be after <paramref name="next"/> as well: the round charged as
    /// if only its minimum of clients contributed. Unchanged for a round without DP.
    /// </summary>
    public double EpsilonAfter(RoundSettings next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            return next.Dp is null
                ? Epsilon(_charged)
                : Epsilon([.. _charged, new ChargedRound(next, next.MinClients)]);
        }
    }

    /// <summary>
    /// Charges a completed round with the noise shares of its <paramref name="contributors"/>
    /// and returns the epsilon spent after it.
    /// </summary>
    public double Charge(RoundSettings round, int contributors)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contributors);
        lock (_gate)
        {
            if (round.Dp is not null)
            {
                _charged.Add(new ChargedRound(round, contributors));
            }

            return Epsilon(_charged);
        }
    }

    /// <summary>Noise shares in the sum of a round with <paramref name="contributors"/>.</summary>
    private static int NoiseShares(RoundSettings settings, int contributors)
    {
        var dp = settings.Dp ?? throw new InvalidOperationException($"Round {settings.Round} has no DP.");
        return Math.Clamp(contributors, 1, dp.ExpectedClients);
    }

    /// <summary>The noise parameters a DP round's clients and decoder use.</summary>
    /// <exception cref="InvalidOperationException">The round has no DP settings.</exception>
    public static DistributedNoiseParameters NoiseOf(RoundSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dp = settings.Dp ?? throw new InvalidOperationException($"Round {settings.Round} has no DP.");
        return DistributedNoiseParameters.Compute(
            dp.NoiseMultiplier, dp.Clip, dp.ExpectedClients, settings.Bits, dp.ModelDimension,
            dp.Beta, dp.MaxOverflowProbability);
    }

    /// <summary>The codec of a DP round, for decoding its aggregate.</summary>
    public static DistributedDpCodec Codec(RoundSettings settings)
    {
        var dp = settings.Dp ?? throw new InvalidOperationException($"Round {settings.Round} has no DP.");
        var noise = dp.Noise == "skellam" ? DistributedNoise.Skellam : DistributedNoise.DiscreteGaussian;
        return new DistributedDpCodec(NoiseOf(settings), dp.RotationSeed, noise);
    }

    private double Epsilon(IReadOnlyList<ChargedRound> rounds)
    {
        if (rounds.Count == 0)
        {
            return 0;
        }

        var accountant = new RdpAccountant();
        foreach (var (round, contributors) in rounds)
        {
            var noise = NoiseOf(round);
            double l2 = noise.Sensitivity;
            double l1 = Math.Min(l2 * l2, Math.Sqrt(noise.PaddedDimension) * l2);
            int clients = NoiseShares(round, contributors);
            if (round.Dp!.Noise == "skellam")
            {
                accountant.ComposeSkellam(l1, l2, clients * noise.LocalVariance);
            }
            else
            {
                accountant.ComposeDistributedDiscreteGaussian(
                    l1, l2, Math.Sqrt(noise.LocalVariance), clients, noise.PaddedDimension);
            }
        }

        return accountant.GetEpsilon(_delta).Epsilon;
    }
}
