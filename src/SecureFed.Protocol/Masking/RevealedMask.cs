using System.Security.Cryptography;
using SecureFed.Crypto.Prg;

namespace SecureFed.Protocol.Masking;

/// <summary>
/// One mask the server stripped from a mask-mode sum: a survivor's self mask PRG(b_u)
/// (<see cref="Owner"/> equals <see cref="Peer"/>), or the pairwise mask PRG(s_uv) between
/// a client u that dropped after sharing (<see cref="Owner"/>) and a survivor v
/// (<see cref="Peer"/>). <see cref="ToString"/> never shows the seed.
/// </summary>
public sealed class RevealedMask
{
    private readonly byte[] _seed;

    /// <summary>Creates the record; <paramref name="seed"/> is taken over, not copied.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="seed"/> is null.</exception>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public RevealedMask(uint owner, uint peer, bool addToSum, byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Length != MaskPrg.SeedSize)
        {
            throw new ArgumentException(
                $"A mask seed is {MaskPrg.SeedSize} bytes, not {seed.Length}.", nameof(seed));
        }

        Owner = owner;
        Peer = peer;
        AddToSum = addToSum;
        _seed = seed;
    }

    /// <summary>The survivor of a self mask, or the dropped client of a pairwise mask.</summary>
    public uint Owner { get; }

    /// <summary>The survivor of a self mask (equal to the owner) or of a pairwise mask.</summary>
    public uint Peer { get; }

    /// <summary>True for a self mask.</summary>
    public bool IsSelfMask => Owner == Peer;

    /// <summary>
    /// True when stripping the mask adds PRG(seed) to the sum (the survivor subtracted it);
    /// false when it subtracts PRG(seed) (a self mask, or a pairwise mask the survivor added).
    /// </summary>
    public bool AddToSum { get; }

    /// <summary>The 32-byte PRG seed; cleared when the owning evidence is disposed.</summary>
    public ReadOnlySpan<byte> Seed => _seed;

    /// <inheritdoc/>
    public override string ToString() => IsSelfMask
        ? $"RevealedMask(self mask of client {Owner})"
        : $"RevealedMask(pair mask of dropped client {Owner} and survivor {Peer})";

    internal void Clear() => CryptographicOperations.ZeroMemory(_seed);
}
