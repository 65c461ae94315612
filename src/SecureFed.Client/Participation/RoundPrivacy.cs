// The distributed DP settings of a round, from the client's side. The appliance decodes the
// sum with the codec it derives from the round's settings (PrivacyBudget.Codec in the
// Enclave): DistributedNoiseParameters.Compute over noise multiplier, clip, expected
// clients, the round's bits, model dimension, beta and overflow probability, and the
// round's rotation seed. The client derives the same codec from the RoundTask's DpSettings,
// so that its encoding is exactly what the appliance decodes; anything that would make them
// differ (a padded length or bit width that does not match) is refused before encoding.

using SecureFed.Client.Budget;
using SecureFed.Privacy.Pipeline;
using SecureFed.Protocol;
using SecureFed.Protocol.Grpc.V1;

namespace SecureFed.Client.Participation;

/// <summary>A round's DP pipeline as a client applies it.</summary>
public sealed class RoundPrivacy
{
    private readonly byte[] _rotationSeed;

    private RoundPrivacy(
        DistributedNoiseParameters parameters, DistributedNoise noise, byte[] rotationSeed, int expectedClients)
    {
        Parameters = parameters;
        Noise = noise;
        _rotationSeed = rotationSeed;
        ExpectedClients = expectedClients;
    }

    /// <summary>The round's pipeline parameters.</summary>
    public DistributedNoiseParameters Parameters { get; }

    /// <summary>The kind of integer noise each client adds.</summary>
    public DistributedNoise Noise { get; }

    /// <summary>The clients whose noise shares make up the planned total.</summary>
    public int ExpectedClients { get; }

    /// <summary>Length of an update before padding.</summary>
    public int ModelDimension => Parameters.Dimension;

    /// <summary>
    /// Reads the DP settings of <paramref name="task"/>.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The round carries no DP settings (float
    /// updates need the grid), or settings that do not fit together.</exception>
    public static RoundPrivacy FromTask(RoundTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var dp = task.Dp ?? throw new ProtocolViolationException(
            $"Round {task.Round?.Round} carries no DP settings; a float update needs the DP grid, so it is refused.");
        var noise = dp.Noise switch
        {
            DpSettings.Types.Noise.Skellam => DistributedNoise.Skellam,
            DpSettings.Types.Noise.DiscreteGaussian => DistributedNoise.DiscreteGaussian,
            _ => throw new ProtocolViolationException($"The round's noise '{dp.Noise}' is unknown."),
        };
        if (dp.RotationSeed.Length != 32)
        {
            throw new ProtocolViolationException("The round's rotation seed is not 32 bytes.");
        }

        if (dp.ExpectedClients < 1 || dp.ExpectedClients > task.MaxClients || dp.ModelDimension < 1)
        {
            throw new ProtocolViolationException("The round's expected clients or model dimension is out of range.");
        }

        DistributedNoiseParameters parameters;
        try
        {
            parameters = DistributedNoiseParameters.Compute(
                dp.NoiseMultiplier, dp.Clip, (int)dp.ExpectedClients, (int)task.Bits, (int)dp.ModelDimension,
                dp.Beta, dp.MaxOverflowProbability);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ProtocolViolationException($"The round's DP settings do not fit: {e.Message}");
        }

        if (parameters.PaddedDimension != task.Dimension)
        {
            throw new ProtocolViolationException(
                $"The round's dimension {task.Dimension} is not the padded model dimension "
                + $"{parameters.PaddedDimension}.");
        }

        return new RoundPrivacy(parameters, noise, dp.RotationSeed.ToByteArray(), (int)dp.ExpectedClients);
    }

    /// <summary>
    /// Clips, rotates, rounds and noises <paramref name="update"/> and wraps it modulo 2^b,
    /// exactly as the appliance's decoder expects.
    /// </summary>
    /// <exception cref="ArgumentException">The update's length is not the model dimension, or a
    /// value is not finite.</exception>
    public ulong[] Encode(ReadOnlySpan<float> update)
    {
        if (update.Length != ModelDimension)
        {
            throw new ArgumentException(
                $"The update has {update.Length} values; the round's model dimension is {ModelDimension}.",
                nameof(update));
        }

        var values = new double[update.Length];
        try
        {
            for (int i = 0; i < update.Length; i++)
            {
                values[i] = update[i];
            }

            return new DistributedDpCodec(Parameters, _rotationSeed, Noise).Encode(values);
        }
        finally
        {
            Array.Clear(values);
        }
    }

    /// <summary>
    /// The mechanism through which this round touches the client's data, for its own budget.
    /// It counts only the noise of the round's minimum of clients (at most the expected
    /// ones): that much noise is certain to be in any sum the appliance may publish.
    /// </summary>
    public RoundMechanism Mechanism(RoundTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        int certain = (int)Math.Clamp(task.MinClients, 1u, (uint)ExpectedClients);
        return RoundMechanism.ForDistributedNoise(
            Convert.ToHexStringLower(task.Round.FederationId.Span),
            task.Round.Round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Parameters, Noise, certain);
    }
}
