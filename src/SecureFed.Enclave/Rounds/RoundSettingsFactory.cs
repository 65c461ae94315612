// Checks an operator's request to open a round, one setting at a time, and turns it into
// the round's settings. Every refusal names the setting and the range it must be in.

using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.He;
using SecureFed.Protocol.Masking;
using SecureFed.Privacy.Pipeline;

namespace SecureFed.Enclave.Rounds;

/// <summary>Validates <see cref="OpenRoundRequest"/> into <see cref="RoundSettings"/>.</summary>
public static class RoundSettingsFactory
{
    /// <summary>Most clients one round takes.</summary>
    public const int MaxClients = 10_000;

    /// <summary>Longest vector one round takes.</summary>
    public const int MaxDimension = 1 << 24;

    /// <summary>The deadline used when a request gives none, in milliseconds.</summary>
    public const int DefaultTimeoutMs = 30_000;

    /// <summary>Builds the settings of round <paramref name="round"/> from <paramref name="request"/>.</summary>
    /// <exception cref="RoundRejectedException">A setting is out of range.</exception>
    public static RoundSettings Create(ulong round, OpenRoundRequest request, CkksParameters ckks)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(ckks);
        if (request.Mode is not (ProtectionMode.Mask or ProtectionMode.He))
        {
            throw Bad("mode must be mask or he.");
        }

        int minClients = (int)Math.Min(request.MinClients, int.MaxValue);
        int maxClients = (int)Math.Min(request.MaxClients, int.MaxValue);
        if (minClients < 2 || maxClients < minClients || maxClients > MaxClients)
        {
            throw Bad($"min_clients must be at least 2 and max_clients between min_clients and {MaxClients}.");
        }

        int joinTimeout = Timeout(request.JoinTimeoutMs, "join_timeout_ms");
        int stageTimeout = Timeout(request.StageTimeoutMs, "stage_timeout_ms");
        if (!(request.DropoutRate >= 0 && request.DropoutRate < 1)
            || !(request.CorruptRate >= 0 && request.CorruptRate < 1))
        {
            throw Bad("dropout_rate and corrupt_rate must be in [0, 1).");
        }

        int bits = (int)Math.Min(request.Bits, int.MaxValue);
        if (bits is < 1 or > 62)
        {
            throw Bad("bits must be between 1 and 62.");
        }

        RoundDpSettings? dp = null;
        int dimension = (int)Math.Min(request.Dimension, int.MaxValue);
        if (request.Dp is { } asked)
        {
            dp = DpOf(asked, maxClients, bits);
            int padded = DistributedNoiseParameters.Compute(
                dp.NoiseMultiplier, dp.Clip, dp.ExpectedClients, bits, dp.ModelDimension,
                dp.Beta, dp.MaxOverflowProbability).PaddedDimension;
            if (dimension != 0 && dimension != padded)
            {
                throw Bad($"With DP the dimension is the padded model dimension, {padded}; leave it 0.");
            }

            dimension = padded;
        }

        if (dimension < 1 || dimension > MaxDimension)
        {
            throw Bad($"dimension must be between 1 and {MaxDimension}.");
        }

        int heScaleBits = 0;
        if (request.Mode == ProtectionMode.He)
        {
            heScaleBits = HeScale.ScaleBits(ckks, maxClients, bits);
            if (heScaleBits == 0)
            {
                throw Bad(
                    $"The CKKS modulus cannot hold {maxClients} clients' {bits}-bit values exactly above " +
                    "the decryption noise; lower bits or max_clients.");
            }
        }

        int minContributors = request.MinContributors == 0
            ? minClients
            : (int)Math.Min(request.MinContributors, int.MaxValue);
        if (minContributors < 2 || minContributors > maxClients)
        {
            throw Bad("min_contributors must be between 2 and max_clients.");
        }

        // SecAgg+ has no parameters for too few clients at the tolerated dropout and corrupt
        // fractions. Finding none only after the join would abort a round every client waited
        // for; the smallest group the round may go on with is checked now instead.
        if (request.Mode == ProtectionMode.Mask)
        {
            try
            {
                SecAggParameterFinder.Find(Math.Max(2, minClients), request.DropoutRate, request.CorruptRate);
            }
            catch (InvalidOperationException none)
            {
                throw Bad($"{none.Message} Raise min_clients or lower dropout_rate and corrupt_rate.");
            }
        }

        return new RoundSettings(
            round, request.Mode, dimension, bits, minClients, maxClients, joinTimeout, stageTimeout,
            request.DropoutRate, request.CorruptRate, minContributors, heScaleBits, dp);
    }

    private static RoundDpSettings DpOf(DpSettings asked, int maxClients, int bits)
    {
        string noise = asked.Noise switch
        {
            DpSettings.Types.Noise.Skellam => "skellam",
            DpSettings.Types.Noise.DiscreteGaussian => "discrete_gaussian",
            _ => throw Bad("dp.noise must be skellam or discrete_gaussian."),
        };
        if (!(asked.NoiseMultiplier > 0) || double.IsInfinity(asked.NoiseMultiplier))
        {
            throw Bad("dp.noise_multiplier must be positive.");
        }

        if (!(asked.Clip > 0) || double.IsInfinity(asked.Clip))
        {
            throw Bad("dp.clip must be positive.");
        }

        int expected = asked.ExpectedClients == 0 ? maxClients : (int)Math.Min(asked.ExpectedClients, int.MaxValue);
        if (expected < 1 || expected > maxClients)
        {
            throw Bad("dp.expected_clients must be between 1 and max_clients.");
        }

        if (asked.ModelDimension is 0 or > MaxDimension)
        {
            throw Bad($"dp.model_dimension must be between 1 and {MaxDimension}.");
        }

        double beta = asked.Beta == 0 ? Math.Exp(-0.5) : asked.Beta;
        double overflow = asked.MaxOverflowProbability == 0 ? 1e-6 : asked.MaxOverflowProbability;
        var settings = new RoundDpSettings(
            noise, asked.NoiseMultiplier, asked.Clip, expected, beta, overflow,
            RandomNumberGenerator.GetBytes(32), (int)asked.ModelDimension);
        try
        {
            _ = DistributedNoiseParameters.Compute(
                settings.NoiseMultiplier, settings.Clip, expected, bits, settings.ModelDimension, beta, overflow);
        }
        catch (ArgumentOutOfRangeException invalid)
        {
            throw Bad($"The DP settings do not fit: {invalid.Message}");
        }

        return settings;
    }

    private static int Timeout(uint value, string name)
    {
        if (value == 0)
        {
            return DefaultTimeoutMs;
        }

        return value is >= 100 and <= 3_600_000
            ? (int)value
            : throw Bad($"{name} must be between 100 and 3600000 milliseconds.");
    }

    private static RoundRejectedException Bad(string message) => new(RejectionReason.Invalid, message);
}
