// Precomputed twiddle factors for the negacyclic NTT over Z_q[X]/(X^N + 1), after
// Longa and Naehrig 2016, "Speeding up the number theoretic transform for faster ideal
// lattice-based cryptography" (CANS 2016): powers of a primitive 2N-th root psi stored
// in bit-reversed order, each with its Shoup quotient. N is a power of two in
// [16, 32768]; q < 2^61 with q = 1 (mod 2N). Four tables of N words, about 1 MiB at
// N = 32768.

using System.Buffers.Binary;
using System.Numerics;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// The tables <see cref="Ntt"/> needs for one ring degree and one prime of the modulus
/// chain. Immutable once built and safe to share between threads.
/// </summary>
public sealed class NttTables
{
    /// <summary>
    /// Builds the tables for ring degree <paramref name="ringDegree"/> modulo
    /// <paramref name="modulus"/>, with psi from
    /// <see cref="NttPrimes.FindPrimitive2NthRoot(Modulus, int)"/>.
    /// </summary>
    /// <param name="ringDegree">The ring degree N, a power of two in [16, 32768].</param>
    /// <param name="modulus">A prime with q = 1 (mod 2N).</param>
    /// <exception cref="ArgumentNullException"><paramref name="modulus"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The ring degree is out of range.</exception>
    /// <exception cref="ArgumentException">
    /// The ring degree is not a power of two, or the modulus is not 1 mod 2N.
    /// </exception>
    public NttTables(int ringDegree, Modulus modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        NttPrimes.ValidateRingDegree(ringDegree);
        ulong psi = NttPrimes.FindPrimitive2NthRoot(modulus, ringDegree);

        RingDegree = ringDegree;
        Modulus = modulus;
        Psi = psi;
        int logDegree = BitOperations.Log2((uint)ringDegree);

        ulong psiInverse = modulus.Inverse(psi);
        RootPowers = new ulong[ringDegree];
        RootPowersShoup = new ulong[ringDegree];
        InverseRootPowers = new ulong[ringDegree];
        InverseRootPowersShoup = new ulong[ringDegree];

        // Entry k holds psi^bitreverse(k): stage m of the forward transform reads entries
        // m .. 2m - 1 in order, and the inverse transform reads the inverse powers the
        // same way from the other end.
        ulong power = 1;
        ulong inversePower = 1;
        for (int i = 0; i < ringDegree; i++)
        {
            int k = ReverseBits(i, logDegree);
            RootPowers[k] = power;
            RootPowersShoup[k] = modulus.ShoupPrecompute(power);
            InverseRootPowers[k] = inversePower;
            InverseRootPowersShoup[k] = modulus.ShoupPrecompute(inversePower);
            power = modulus.Multiply(power, psi);
            inversePower = modulus.Multiply(inversePower, psiInverse);
        }

        // The inverse transform's last stage multiplies by N^-1 on its own side and by
        // psi^-(N/2) * N^-1 on the other, which saves a separate pass over the output.
        ulong degreeInverse = modulus.Inverse((ulong)ringDegree % modulus.Value);
        DegreeInverse = degreeInverse;
        DegreeInverseShoup = modulus.ShoupPrecompute(degreeInverse);
        LastInverseRoot = modulus.Multiply(InverseRootPowers[1], degreeInverse);
        LastInverseRootShoup = modulus.ShoupPrecompute(LastInverseRoot);
    }

    /// <summary>The ring degree N.</summary>
    public int RingDegree { get; }

    /// <summary>The prime q.</summary>
    public Modulus Modulus { get; }

    /// <summary>The primitive 2N-th root of unity psi the transform evaluates at.</summary>
    public ulong Psi { get; }

    /// <summary>psi^bitreverse(k), for k in [0, N).</summary>
    internal ulong[] RootPowers { get; }

    /// <summary>Shoup quotients of <see cref="RootPowers"/>.</summary>
    internal ulong[] RootPowersShoup { get; }

    /// <summary>psi^-bitreverse(k), for k in [0, N).</summary>
    internal ulong[] InverseRootPowers { get; }

    /// <summary>Shoup quotients of <see cref="InverseRootPowers"/>.</summary>
    internal ulong[] InverseRootPowersShoup { get; }

    /// <summary>N^-1 mod q.</summary>
    internal ulong DegreeInverse { get; }

    /// <summary>Shoup quotient of <see cref="DegreeInverse"/>.</summary>
    internal ulong DegreeInverseShoup { get; }

    /// <summary>psi^-(N/2) * N^-1 mod q, the folded twiddle of the last inverse stage.</summary>
    internal ulong LastInverseRoot { get; }

    /// <summary>Shoup quotient of <see cref="LastInverseRoot"/>.</summary>
    internal ulong LastInverseRootShoup { get; }

    private static int ReverseBits(int value, int bitCount) =>
        (int)(ReverseBits32((uint)value) >> (32 - bitCount));

    private static uint ReverseBits32(uint x)
    {
        x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
        x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
        x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
        return BinaryPrimitives.ReverseEndianness(x);
    }
}
