using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecureFed.Protocol;

/// <summary>
/// An unambiguous byte encoding of protocol values, for what is signed, hashed or bound as
/// associated data. Every field is length-prefixed or fixed-size, and every transcript opens
/// with a domain label, so no two different transcripts encode alike.
/// </summary>
public sealed class Transcript
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    /// <summary>Starts a transcript with a domain-separation label.</summary>
    public Transcript(string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        Bytes(Encoding.ASCII.GetBytes(label));
    }

    /// <summary>Appends a 32-bit unsigned integer, big-endian.</summary>
    public Transcript U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    /// <summary>Appends a 64-bit unsigned integer, big-endian.</summary>
    public Transcript U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    /// <summary>Appends a byte string with its length.</summary>
    public Transcript Bytes(ReadOnlySpan<byte> value)
    {
        U32((uint)value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>Appends a list of ids with its count.</summary>
    public Transcript Ids(IReadOnlyList<uint> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        U32((uint)ids.Count);
        foreach (uint id in ids)
        {
            U32(id);
        }

        return this;
    }

    /// <summary>The encoded transcript.</summary>
    public ReadOnlySpan<byte> Encoded => _buffer.WrittenSpan;

    /// <summary>SHA-256 of the encoded transcript.</summary>
    public byte[] Hash() => SHA256.HashData(_buffer.WrittenSpan);
}
