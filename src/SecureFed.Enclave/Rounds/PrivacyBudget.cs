// The federation's privacy budget, recomputed from the rounds it has completed: every round
// with distributed DP noise composes into one RDP accountant (Skellam, Agarwal, Kairouz and
// Liu 2021; or the distributed discrete Gaussian, Kairouz, Liu and Steinke 2021), which is
// converted to epsilon at the federation's delta. A round that would take epsilon over the
// limit is refused before it opens.

using SecureFed.Privacy.Accounting;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Enclave.Rounds;

/// <summary>The federation's epsilon spent, and what a round would add to it.</summary>
public sealed class PrivacyBudget
{
    private readonly double _delta;
    private readonly List<RoundSettings> _charged;
    private readonly Lock _gate = new();

    /// <summary>Starts from the rounds already charged, oldest first.</summary>
    public PrivacyBudget(double delta, IEnumerable<RoundSettings> charged)
    {
        ArgumentNullException.ThrowIfNull(charged);
        _delta = delta;
        _charged = [.. charged.Where(s => s.Dp is not null)];
    }

    /// <summary>Epsilon spent by the rounds charged so far.</summary>
    public double EpsilonSpent()
    {
        lock (_gate)
        {
            return Epsilon(_charged);
        }
    }

    /// <summary>Epsilon after <paramref name="next"/> as well; unchanged for a round without DP.</summary>
    public double EpsilonAfter(RoundSettings next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            return next.Dp is null ? Epsilon(_charged) : Epsilon([.. _charged, next]);
        }
    }

    /// <summary>Charges a completed round and returns the epsilon spent after it.</summary>
    public double Charge(RoundSettings round)
    {
        ArgumentNullException.ThrowIfNull(round);
        lock (_gate)
        {
            if (round.Dp is not null)
            {
                _charged.Add(round);
            }

            return Epsilon(_charged);
        }
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

    private double Epsilon(IReadOnlyList<RoundSettings> rounds)
    {
        if (rounds.Count == 0)
        {
            return 0;
        }

        var accountant = new RdpAccountant();
        foreach (var round in rounds)
        {
            var noise = NoiseOf(round);
            double l2 = noise.Sensitivity;
            double l1 = Math.Min(l2 * l2, Math.Sqrt(noise.PaddedDimension) * l2);
            int clients = round.Dp!.ExpectedClients;
            if (round.Dp.Noise == "skellam")
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
