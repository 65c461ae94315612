// Buffered randomness from the operating system's CSPRNG (RandomNumberGenerator).
// The buffer holds 512 words (4 KiB); a word is overwritten with zero once handed out, so
// randomness that already became noise does not linger in the buffer.

using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SecureFed.Privacy.Sampling;

/// <summary>
/// <see cref="IRandomBits"/> backed by <see cref="RandomNumberGenerator"/>, read in blocks.
/// </summary>
/// <remarks>Not thread-safe: each sampler owns its own instance.</remarks>
internal sealed class CryptoRandomBits : IRandomBits
{
    private const int BufferWords = 512;

    private readonly ulong[] _buffer = new ulong[BufferWords];
    private int _next = BufferWords;

    // The upper half of a word whose lower half NextUInt32 already returned.
    private uint _spareHalf;
    private bool _hasSpareHalf;

    /// <inheritdoc />
    public ulong NextUInt64()
    {
        if (_next == BufferWords)
        {
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(_buffer.AsSpan()));
            _next = 0;
        }

        ulong word = _buffer[_next];
        _buffer[_next] = 0;
        _next++;
        return word;
    }

    /// <inheritdoc />
    public uint NextUInt32()
    {
        if (_hasSpareHalf)
        {
            uint half = _spareHalf;
            _spareHalf = 0;
            _hasSpareHalf = false;
            return half;
        }

        ulong word = NextUInt64();
        _spareHalf = (uint)(word >> 32);
        _hasSpareHalf = true;
        return unchecked((uint)word);
    }
}
