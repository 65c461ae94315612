// A reproducible IRandomBits for statistical tests: SplitMix64 (Steele, Lea and Flood,
// "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014) from a fixed seed.
// Never for production noise, which must come from CryptoRandomBits.

using SecureFed.Privacy.Sampling;

namespace SecureFed.Privacy.Tests.Sampling;

internal sealed class SeededRandomBits : IRandomBits
{
    private ulong _state;
    private ulong _spare;
    private bool _hasSpare;

    public SeededRandomBits(int seed)
    {
        _state = (ulong)seed;
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public uint NextUInt32()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return (uint)_spare;
        }

        ulong word = NextUInt64();
        _spare = word >> 32;
        _hasSpare = true;
        return unchecked((uint)word);
    }
}
