// The one source of randomness of the exact noise samplers: uniform 64-bit words.
// Production code uses CryptoRandomBits; tests substitute a seeded generator so that
// statistical checks are reproducible.

namespace SecureFed.Privacy.Sampling;

/// <summary>A source of independent, uniformly distributed 64-bit words.</summary>
/// <remarks>
/// Noise protects privacy only if nobody can predict it, so every production sampler draws
/// from <see cref="CryptoRandomBits"/>. Implementations need not be thread-safe.
/// </remarks>
internal interface IRandomBits
{
    /// <summary>Returns 64 uniform, independent random bits.</summary>
    ulong NextUInt64();

    /// <summary>Returns 32 uniform, independent random bits.</summary>
    /// <remarks>Most bounds are small, and half a word then saves half the randomness.</remarks>
    uint NextUInt32();
}
