// The client-side encoding and server-side decoding of the distributed DP pipeline
// (Kairouz, Liu, Steinke, ICML 2021; Agarwal, Kairouz, Liu, NeurIPS 2021):
//
//   client   clip to c -> rotate (H D, padded to d') -> scale by 1/γ -> conditional
//            randomized rounding -> add integer noise -> wrap into Z/2^b
//   server   sum the residues mod 2^b (secure aggregation does this) -> unwrap to signed
//            integers -> scale by γ -> rotate back -> divide by the number of clients
//
// Only the encoding touches a client's plaintext; the decoding sees only the sum.

using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Pipeline;

/// <summary>Encodes one client's update for secure aggregation, and decodes the sum.</summary>
public sealed class DistributedDpCodec
{
    private readonly DistributedNoiseParameters _parameters;
    private readonly RandomizedHadamard _rotation;
    private readonly DistributedNoise _noise;

    /// <summary>
    /// Creates the codec of one round: its parameters, the round's rotation seed (the same for
    /// every client and the server), and the kind of noise.
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public DistributedDpCodec(
        DistributedNoiseParameters parameters, ReadOnlySpan<byte> rotationSeed, DistributedNoise noise)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Enum.IsDefined(noise))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "Unknown kind of noise.");
        }

        _parameters = parameters;
        _rotation = new RandomizedHadamard(parameters.Dimension, rotationSeed);
        _noise = noise;
    }

    /// <summary>Length of an encoded update: the padded dimension.</summary>
    public int EncodedLength => _parameters.PaddedDimension;

    /// <summary>
    /// Clips, rotates, scales, rounds and noises <paramref name="update"/> and returns its
    /// residues modulo 2^b, ready to be masked or encrypted. The update itself is not changed.
    /// </summary>
    /// <exception cref="ArgumentException">The update has the wrong length or a non-finite value.</exception>
    public ulong[] Encode(ReadOnlySpan<double> update)
    {
        if (update.Length != _parameters.Dimension)
        {
            throw new ArgumentException(
                $"The update has {update.Length} coordinates; the round has {_parameters.Dimension}.",
                nameof(update));
        }

        var clipped = update.ToArray();
        L2Clipping.Clip(clipped, _parameters.Clip);
        var scaled = _rotation.Rotate(clipped);
        double inverseScale = 1 / _parameters.Scale;
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] *= inverseScale;
        }

        // Floating-point scaling can leave the norm a hair above c / γ; clipping on the grid
        // keeps the rounding's precondition exact.
        L2Clipping.Clip(scaled, _parameters.ScaledClip);
        var integers = new long[scaled.Length];
        ConditionalRandomizedRounding.Round(scaled, _parameters.ScaledClip, _parameters.Beta, integers);
        AddNoise(integers);

        var residues = new ulong[integers.Length];
        for (int i = 0; i < integers.Length; i++)
        {
            residues[i] = ModularWrap.Wrap(integers[i], _parameters.Bits);
        }

        Array.Clear(clipped);
        Array.Clear(scaled);
        Array.Clear(integers);
        return residues;
    }

    /// <summary>
    /// Decodes the sum of <paramref name="clients"/> encoded updates (residues modulo 2^b)
    /// into their average in the original units.
    /// </summary>
    /// <exception cref="ArgumentException">The sum has the wrong length or a residue out of range.</exception>
    public double[] DecodeAverage(ReadOnlySpan<ulong> sum, int clients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        if (sum.Length != _parameters.PaddedDimension)
        {
            throw new ArgumentException(
                $"The sum has {sum.Length} coordinates; encoded updates have {_parameters.PaddedDimension}.",
                nameof(sum));
        }

        var rotated = new double[sum.Length];
        double factor = _parameters.Scale / clients;
        for (int i = 0; i < sum.Length; i++)
        {
            rotated[i] = ModularWrap.Unwrap(sum[i], _parameters.Bits) * factor;
        }

        return _rotation.Unrotate(rotated);
    }

    private void AddNoise(Span<long> values)
    {
        var noise = new long[values.Length];
        if (_noise == DistributedNoise.Skellam)
        {
            SkellamSampler.FromMu(_parameters.LocalSkellamMu).Fill(noise);
        }
        else
        {
            DiscreteGaussianSampler.FromSigmaSquared(_parameters.LocalVariance).Fill(noise);
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] += noise[i];
        }

        Array.Clear(noise);
    }
}
