// The unmasking evidence of a mask-mode round (SecAgg+, Bell et al. CCS 2020, on
// Bonawitz et al. CCS 2017, section 4): the seeds of every mask the server stripped from
// the sum of masked inputs, so that an auditor can recompute, coordinate by coordinate,
//   sum[c] = sum over survivors of y_u[c] - sum over survivors of PRG(b_u)[c]
//            -/+ PRG(s_uv)[c] for each client u that dropped after sharing and survivor v
// modulo 2^b, with the PRG's random access (MaskPrg), and check it against the aggregate.
//
// Why writing it down is safe: it holds exactly what the unmasking stage already revealed
// to the server, derived per pair and nothing more. A survivor's self-mask seed b_u is
// revealed only because u survived, and the dropped client's mask private key never
// appears, only s_uv for its pairs with survivors, which u's update is not in. Every
// survivor keeps at least t >= 1 surviving neighbours (the round aborts otherwise), and
// the pairwise masks PRG(s_vw) among survivors stay secret, so y_v minus everything here
// is still masked: no single update is revealed beyond what the server already knows, the
// sum of the survivors' inputs.
//
// Binary form, little-endian: "SFUE", version (1 byte), round (8), dimension (4),
// bits (1), mask count (4), then per mask: owner (4), peer (4), flags (1; bit 0 = add to
// sum), seed (32).

using System.Buffers.Binary;
using SecureFed.Crypto.Prg;

namespace SecureFed.Protocol.Masking;

/// <summary>
/// The seeds a mask-mode round's server used to strip the masks from the sum, as the
/// appliance keeps them beside the spool and an auditor reads them. Dispose to clear them.
/// </summary>
public sealed class UnmaskingEvidence : IDisposable
{
    /// <summary>The version of the binary form this class writes and reads.</summary>
    public const byte FormatVersion = 1;

    private const int HeaderSize = 4 + 1 + 8 + 4 + 1 + 4;
    private const int MaskSize = 4 + 4 + 1 + MaskPrg.SeedSize;

    // A round has at most a few thousand clients of degree k; this bounds a parse.
    private const int MaxMasks = 1 << 20;

    private readonly RevealedMask[] _masks;
    private bool _disposed;

    /// <summary>Creates the evidence of <paramref name="round"/>; the masks are taken over.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="masks"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The dimension is below 1 or the width is not 1 to 64.
    /// </exception>
    public UnmaskingEvidence(ulong round, int dimension, int bits, IReadOnlyList<RevealedMask> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 64);
        Round = round;
        Dimension = dimension;
        Bits = bits;
        _masks = [.. masks];
    }

    /// <summary>The round.</summary>
    public ulong Round { get; }

    /// <summary>The number of coordinates of the round's vectors.</summary>
    public int Dimension { get; }

    /// <summary>The width b of a coordinate: arithmetic is modulo 2^b.</summary>
    public int Bits { get; }

    /// <summary>The stripped masks.</summary>
    public IReadOnlyList<RevealedMask> Masks => _masks;

    /// <summary>The binary form (see the file's opening comment); clear it after use.</summary>
    /// <exception cref="ObjectDisposedException">The evidence is disposed.</exception>
    public byte[] Serialize()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bytes = new byte[HeaderSize + (_masks.Length * MaskSize)];
        Span<byte> span = bytes;
        "SFUE"u8.CopyTo(span);
        span[4] = FormatVersion;
        BinaryPrimitives.WriteUInt64LittleEndian(span[5..], Round);
        BinaryPrimitives.WriteInt32LittleEndian(span[13..], Dimension);
        span[17] = (byte)Bits;
        BinaryPrimitives.WriteInt32LittleEndian(span[18..], _masks.Length);
        int at = HeaderSize;
        foreach (RevealedMask mask in _masks)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[at..], mask.Owner);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], mask.Peer);
            span[at + 8] = mask.AddToSum ? (byte)1 : (byte)0;
            mask.Seed.CopyTo(span[(at + 9)..]);
            at += MaskSize;
        }

        return bytes;
    }

    /// <summary>Reads the binary form; the caller disposes the result.</summary>
    /// <exception cref="FormatException">The bytes are not evidence of this format.</exception>
    public static UnmaskingEvidence Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize || !bytes[..4].SequenceEqual("SFUE"u8))
        {
            throw new FormatException("The bytes are not unmasking evidence.");
        }

        if (bytes[4] != FormatVersion)
        {
            throw new FormatException(
                $"Unmasking evidence of version {bytes[4]} is not readable; version {FormatVersion} is.");
        }

        ulong round = BinaryPrimitives.ReadUInt64LittleEndian(bytes[5..]);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[13..]);
        int bits = bytes[17];
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]);
        if (dimension < 1 || bits is < 1 or > 64 || count is < 0 or > MaxMasks)
        {
            throw new FormatException(
                $"Unmasking evidence gives dimension {dimension}, {bits} bits and {count} masks.");
        }

        if (bytes.Length != HeaderSize + ((long)count * MaskSize))
        {
            throw new FormatException(
                $"Unmasking evidence of {count} masks is {HeaderSize + ((long)count * MaskSize)} bytes, " +
                $"not {bytes.Length}.");
        }

        var masks = new RevealedMask[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = bytes.Slice(HeaderSize + (i * MaskSize), MaskSize);
            if (entry[8] > 1)
            {
                throw new FormatException($"Mask {i} of the unmasking evidence has unknown flags.");
            }

            masks[i] = new RevealedMask(
                BinaryPrimitives.ReadUInt32LittleEndian(entry),
                BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                entry[8] == 1,
                entry[9..].ToArray());
        }

        return new UnmaskingEvidence(round, dimension, bits, masks);
    }

    /// <summary>
    /// What stripping the masks adds to the sum of masked inputs at each of
    /// <paramref name="coordinates"/>, modulo 2^<see cref="Bits"/>: one key schedule per
    /// mask, then one PRG block per coordinate.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="coordinates"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The evidence is disposed.</exception>
    public ulong[] CorrectionsAt(IReadOnlyList<long> coordinates)
    {
        ArgumentNullException.ThrowIfNull(coordinates);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (long coordinate in coordinates)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(coordinate, nameof(coordinates));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(coordinate, Dimension, nameof(coordinates));
        }

        var corrections = new ulong[coordinates.Count];
        Span<ulong> one = stackalloc ulong[1];
        foreach (RevealedMask mask in _masks)
        {
            using var prg = new MaskPrg(mask.Seed);
            for (int i = 0; i < corrections.Length; i++)
            {
                one[0] = corrections[i];
                if (mask.AddToSum)
                {
                    prg.AddTo(one, coordinates[i], Bits);
                }
                else
                {
                    prg.SubtractFrom(one, coordinates[i], Bits);
                }

                corrections[i] = one[0];
            }
        }

        return corrections;
    }

    /// <summary>Clears every seed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (RevealedMask mask in _masks)
        {
            mask.Clear();
        }
    }
}
