// The randomized Hadamard rotation of the distributed DP pipeline (Kairouz, Liu, Steinke,
// "The Distributed Discrete Gaussian Mechanism for Federated Learning with Secure
// Aggregation", ICML 2021, section 4; Agarwal, Kairouz, Liu, NeurIPS 2021): x -> H D x,
// with D a diagonal of random signs and H the Walsh-Hadamard matrix scaled by 1/sqrt(n),
// after zero-padding x to the next power of two n. The rotation is orthogonal, so it keeps
// the L2 norm, and it spreads the norm evenly over the coordinates, which keeps rounding
// and modular wrap-around errors small. The inverse is D H y, truncated to the original
// length.
//
// The signs come from SHA-256 in counter mode over a 32-byte seed shared by the round:
// bit j of SHA-256(seed || BE64(j / 256)) is the sign of coordinate j. They are public;
// the seed only needs to be fresh per round.

using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace SecureFed.Privacy.Pipeline;

/// <summary>A seeded randomized Hadamard rotation and its inverse.</summary>
public sealed class RandomizedHadamard
{
    /// <summary>Size of the seed in bytes.</summary>
    public const int SeedSize = 32;

    private readonly bool[] _negate;

    /// <summary>Creates the rotation for vectors of <paramref name="dimension"/> coordinates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is below 1 or above 2^30.</exception>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public RandomizedHadamard(int dimension, ReadOnlySpan<byte> seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 1 << 30);
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"The rotation seed must be {SeedSize} bytes.", nameof(seed));
        }

        Dimension = dimension;
        PaddedDimension = (int)BitOperations.RoundUpToPowerOf2((uint)dimension);
        _negate = Signs(PaddedDimension, seed);
    }

    /// <summary>Length of the vectors this rotation takes.</summary>
    public int Dimension { get; }

    /// <summary>Length of the rotated vectors: the next power of two.</summary>
    public int PaddedDimension { get; }

    /// <summary>Rotates <paramref name="input"/> into a new vector of <see cref="PaddedDimension"/>.</summary>
    public double[] Rotate(ReadOnlySpan<double> input)
    {
        if (input.Length != Dimension)
        {
            throw new ArgumentException(
                $"The rotation takes {Dimension} coordinates, not {input.Length}.", nameof(input));
        }

        var rotated = new double[PaddedDimension];
        input.CopyTo(rotated);
        ApplySigns(rotated);
        Transform(rotated);
        return rotated;
    }

    /// <summary>Undoes <see cref="Rotate"/>: returns the first <see cref="Dimension"/> coordinates.</summary>
    public double[] Unrotate(ReadOnlySpan<double> rotated)
    {
        if (rotated.Length != PaddedDimension)
        {
            throw new ArgumentException(
                $"A rotated vector has {PaddedDimension} coordinates, not {rotated.Length}.", nameof(rotated));
        }

        var work = rotated.ToArray();
        Transform(work);
        ApplySigns(work);
        return work[..Dimension];
    }

    private void ApplySigns(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (_negate[i])
            {
                values[i] = -values[i];
            }
        }
    }

    // In-place fast Walsh-Hadamard transform scaled by 1/sqrt(n): its own inverse.
    private static void Transform(Span<double> values)
    {
        int n = values.Length;
        for (int half = 1; half < n; half <<= 1)
        {
            for (int block = 0; block < n; block += 2 * half)
            {
                for (int i = block; i < block + half; i++)
                {
                    double a = values[i];
                    double b = values[i + half];
                    values[i] = a + b;
                    values[i + half] = a - b;
                }
            }
        }

        double scale = 1 / Math.Sqrt(n);
        foreach (ref double value in values)
        {
            value *= scale;
        }
    }

    private static bool[] Signs(int count, ReadOnlySpan<byte> seed)
    {
        var negate = new bool[count];
        Span<byte> input = stackalloc byte[SeedSize + 8];
        Span<byte> digest = stackalloc byte[32];
        seed.CopyTo(input);
        for (int block = 0; block * 256 < count; block++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(input[SeedSize..], (ulong)block);
            SHA256.HashData(input, digest);
            for (int bit = 0; bit < 256 && block * 256 + bit < count; bit++)
            {
                negate[block * 256 + bit] = ((digest[bit >> 3] >> (bit & 7)) & 1) == 1;
            }
        }

        return negate;
    }
}
