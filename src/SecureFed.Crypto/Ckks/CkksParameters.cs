// Parameters of RNS-CKKS (Cheon, Kim, Kim, Song 2017, "Homomorphic encryption for
// arithmetic of approximate numbers", ASIACRYPT 2017; RNS form after Cheon, Han, Kim, Kim,
// Song 2018, SAC 2018): a ring degree N and a modulus chain of distinct NTT-friendly primes
// q_i < 2^61 with q_i = 1 (mod 2N), whose product Q is the ciphertext modulus, and one more
// such prime P, the special prime. Keys live modulo Q P; public-key encryption computes
// modulo Q P and divides by P, which shrinks the encryption noise to a rounding term (the
// same device as Microsoft SEAL's last prime), so that a fresh encryption at scale 2^40 keeps
// about 30 bits of precision rather than 27.
//
// Security follows the HomomorphicEncryption.org standard (Albrecht et al. 2018, "Homomorphic
// Encryption Security Standard", Table 1, uniform ternary secrets, error sigma 3.2): for
// 128-bit classical security log2 Q may be at most 27, 54, 109, 218, 438 and 881 bits for
// N = 1024 ... 32768. SecureFed counts each prime as its full bit length, which overstates
// log2 Q and so errs on the safe side. The bound applies to log2 (Q P). Anything outside the table needs the Unsafe factory.

using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A ring degree and a modulus chain for CKKS, checked against the HomomorphicEncryption.org
/// 128-bit table unless created through <see cref="UnsafeCreateWithoutSecurityCheck"/>.
/// Immutable.
/// </summary>
public sealed class CkksParameters : IEquatable<CkksParameters>
{
    /// <summary>The ring degrees the engine supports for production use.</summary>
    public static readonly IReadOnlyList<int> SupportedRingDegrees =
        new ReadOnlyCollection<int>([4096, 8192, 16384, 32768]);

    /// <summary>The number of bytes of <see cref="ParameterId"/>.</summary>
    public const int ParameterIdSize = 16;

    /// <summary>The most primes a modulus chain may hold.</summary>
    public const int MaxModulusCount = 64;

    /// <summary>The smallest special prime, in bits: enough to divide the noise away.</summary>
    public const int MinSpecialPrimeBits = 20;

    // The data primes followed by the special prime.
    private readonly ulong[] _keyPrimes;
    private readonly byte[] _parameterId;

    private CkksParameters(int ringDegree, ulong[] keyPrimes, bool meetsSecurityTable)
    {
        RingDegree = ringDegree;
        _keyPrimes = keyPrimes;
        Primes = new ReadOnlyCollection<ulong>(keyPrimes[..^1]);
        SpecialPrime = keyPrimes[^1];
        MeetsSecurityTable = meetsSecurityTable;
        ModulusBitCount = BitCount(keyPrimes);
        CiphertextModulusBitCount = BitCount(keyPrimes[..^1]);
        _parameterId = ComputeParameterId(ringDegree, keyPrimes);
    }

    /// <summary>The ring degree N: polynomials live in Z_Q[X]/(X^N + 1).</summary>
    public int RingDegree { get; }

    /// <summary>The number of complex slots of the canonical embedding, N/2.</summary>
    public int SlotCount => RingDegree / 2;

    /// <summary>
    /// The primes q_i of the modulus chain, in chain order; ciphertexts live modulo their
    /// product Q.
    /// </summary>
    public IReadOnlyList<ulong> Primes { get; }

    /// <summary>The special prime P: keys live modulo Q P, ciphertexts modulo Q.</summary>
    public ulong SpecialPrime { get; }

    /// <summary>The number of primes in the modulus chain, without the special prime.</summary>
    public int ModulusCount => _keyPrimes.Length - 1;

    /// <summary>
    /// The sum of the bit lengths of every prime, the special prime included: an upper bound
    /// on log2 (Q P), the figure the security table bounds.
    /// </summary>
    public int ModulusBitCount { get; }

    /// <summary>The sum of the chain's bit lengths, an upper bound on log2 Q.</summary>
    public int CiphertextModulusBitCount { get; }

    /// <summary>
    /// True when log2 Q is within the HomomorphicEncryption.org 128-bit bound for this
    /// ring degree.
    /// </summary>
    public bool MeetsSecurityTable { get; }

    /// <summary>
    /// A 16-byte identifier of the ring degree and modulus chain, carried by every serialized
    /// key and ciphertext so that material under other parameters is refused.
    /// </summary>
    public ReadOnlySpan<byte> ParameterId => _parameterId;

    /// <summary>
    /// Returns the largest log2 Q the HomomorphicEncryption.org table allows for 128-bit
    /// classical security with a ternary secret, or 0 for a ring degree it does not list.
    /// </summary>
    /// <param name="ringDegree">The ring degree N.</param>
    public static int MaxModulusBits128(int ringDegree) => ringDegree switch
    {
        1024 => 27,
        2048 => 54,
        4096 => 109,
        8192 => 218,
        16384 => 438,
        32768 => 881,
        _ => 0,
    };

    /// <summary>
    /// Creates parameters whose primes have the given bit sizes, generated deterministically
    /// by <see cref="NttPrimes.Generate"/>; equal arguments give equal chains. The special
    /// prime takes what the 128-bit bound leaves, up to 60 bits.
    /// </summary>
    /// <param name="ringDegree">The ring degree, one of <see cref="SupportedRingDegrees"/>.</param>
    /// <param name="primeBits">Each chain prime's size in bits, 20 to 61, in chain order.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The ring degree is not supported, or a size is out of range.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The chain is empty or too long, or leaves less than 20 bits for the special prime.
    /// </exception>
    public static CkksParameters Create(int ringDegree, ReadOnlySpan<int> primeBits)
    {
        RequireSupported(ringDegree);
        int used = 0;
        foreach (int bits in primeBits)
        {
            used += bits;
        }

        int left = MaxModulusBits128(ringDegree) - used;
        if (left < MinSpecialPrimeBits)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"A chain of {used} bits leaves {left} bits for the special prime under " +
                    $"the {MaxModulusBits128(ringDegree)}-bit bound of 128-bit security at " +
                    $"ring degree {ringDegree}; at least {MinSpecialPrimeBits} are needed."),
                nameof(primeBits));
        }

        return Create(ringDegree, primeBits, Math.Min(60, left));
    }

    /// <summary>
    /// Creates parameters whose chain primes and special prime have the given bit sizes,
    /// generated deterministically; refused if log2 (Q P) may exceed the 128-bit bound.
    /// </summary>
    /// <param name="ringDegree">The ring degree, one of <see cref="SupportedRingDegrees"/>.</param>
    /// <param name="primeBits">Each chain prime's size in bits, 20 to 61, in chain order.</param>
    /// <param name="specialPrimeBits">The special prime's size in bits, 20 to 61.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The ring degree is not supported, or a size is out of range.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The chain is empty or too long, or log2 (Q P) exceeds the 128-bit bound.
    /// </exception>
    public static CkksParameters Create(
        int ringDegree, ReadOnlySpan<int> primeBits, int specialPrimeBits)
    {
        RequireSupported(ringDegree);
        ulong[] primes = GeneratePrimes(ringDegree, primeBits, specialPrimeBits);
        int bits = BitCount(primes);
        int bound = MaxModulusBits128(ringDegree);
        if (bits > bound)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"A modulus chain of {bits} bits, special prime included, exceeds the " +
                    $"{bound} bits that 128-bit security allows at ring degree {ringDegree}."),
                nameof(primeBits));
        }

        return new CkksParameters(ringDegree, primes, meetsSecurityTable: true);
    }

    /// <summary>
    /// The default parameters for a ring degree: chain primes of 60 bits, as many as the
    /// 128-bit bound allows with a special prime of at least 20 bits, which takes the rest
    /// (up to 60 bits). At N = 8192 that is three chain primes, Q of 180 bits, room for a
    /// scale of 2^80 with a 30-bit integer sum and flooding noise far below the scale, and a
    /// 38-bit special prime.
    /// </summary>
    /// <param name="ringDegree">The ring degree, one of <see cref="SupportedRingDegrees"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The ring degree is not supported.</exception>
    public static CkksParameters CreateDefault(int ringDegree)
    {
        RequireSupported(ringDegree);
        int count = (MaxModulusBits128(ringDegree) - MinSpecialPrimeBits) / 60;
        return Create(ringDegree, Enumerable.Repeat(60, count).ToArray());
    }

    /// <summary>
    /// Creates parameters without the 128-bit security check: any power-of-two ring degree
    /// from 16 to 32768 and any chain length. Use only for tests and experiments; data
    /// encrypted under such parameters may be recoverable.
    /// </summary>
    /// <param name="ringDegree">A power of two in [16, 32768].</param>
    /// <param name="primeBits">Each chain prime's size in bits, 20 to 61, in chain order.</param>
    /// <param name="specialPrimeBits">The special prime's size in bits, 20 to 61.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    /// <exception cref="ArgumentException">The chain is empty or too long.</exception>
    public static CkksParameters UnsafeCreateWithoutSecurityCheck(
        int ringDegree, ReadOnlySpan<int> primeBits, int specialPrimeBits = 40)
    {
        NttPrimes.ValidateRingDegree(ringDegree);
        ulong[] primes = GeneratePrimes(ringDegree, primeBits, specialPrimeBits);
        int bound = MaxModulusBits128(ringDegree);
        int bits = BitCount(primes);
        return new CkksParameters(ringDegree, primes, bound > 0 && bits <= bound);
    }

    /// <inheritdoc/>
    public bool Equals(CkksParameters? other) =>
        other is not null && _parameterId.AsSpan().SequenceEqual(other._parameterId);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CkksParameters);

    /// <inheritdoc/>
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_parameterId);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"CKKS(N={RingDegree}, {ModulusCount} primes and a special prime, " +
            $"log2 QP <= {ModulusBitCount}" +
            $"{(MeetsSecurityTable ? string.Empty : ", below 128-bit security")})");

    /// <summary>Returns the chain primes and then the special prime, in a new array.</summary>
    internal ulong[] CopyKeyPrimes() => (ulong[])_keyPrimes.Clone();

    private static void RequireSupported(int ringDegree)
    {
        if (!SupportedRingDegrees.Contains(ringDegree))
        {
            throw new ArgumentOutOfRangeException(
                nameof(ringDegree), ringDegree,
                "The ring degree must be 4096, 8192, 16384 or 32768.");
        }
    }

    private static ulong[] GeneratePrimes(
        int ringDegree, ReadOnlySpan<int> chainBits, int specialPrimeBits)
    {
        if (specialPrimeBits is < MinSpecialPrimeBits or > NttPrimes.MaxBits)
        {
            throw new ArgumentOutOfRangeException(
                nameof(specialPrimeBits), specialPrimeBits,
                $"The special prime must have {MinSpecialPrimeBits} to {NttPrimes.MaxBits} bits.");
        }

        if (chainBits.IsEmpty)
        {
            throw new ArgumentException("The modulus chain needs a prime.", nameof(chainBits));
        }

        ReadOnlySpan<int> primeBits = [.. chainBits, specialPrimeBits];
        if (primeBits.Length > MaxModulusCount)
        {
            throw new ArgumentException(
                $"The modulus chain may hold at most {MaxModulusCount} primes.",
                nameof(chainBits));
        }

        foreach (int bits in primeBits)
        {
            if (bits is < NttPrimes.MinBits or > NttPrimes.MaxBits)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(chainBits), bits,
                    $"Prime sizes must be {NttPrimes.MinBits} to {NttPrimes.MaxBits} bits.");
            }
        }

        // Primes of one size are handed out in decreasing order, so that a chain such as
        // [60, 40, 40, 60] gets distinct primes; sizes are searched independently, and a
        // collision between sizes is impossible because each prime lies in (2^(b-1), 2^b).
        var used = new Dictionary<int, int>();
        var requested = new Dictionary<int, int>();
        foreach (int bits in primeBits)
        {
            requested[bits] = requested.GetValueOrDefault(bits) + 1;
        }

        var pools = requested.ToDictionary(
            pair => pair.Key, pair => NttPrimes.Generate(ringDegree, pair.Key, pair.Value));
        var primes = new ulong[primeBits.Length];
        for (int i = 0; i < primeBits.Length; i++)
        {
            int bits = primeBits[i];
            int next = used.GetValueOrDefault(bits);
            primes[i] = pools[bits][next];
            used[bits] = next + 1;
        }

        if (primes.Distinct().Count() != primes.Length)
        {
            throw new ArgumentException(
                "The prime sizes overlap so much that two primes coincide.", nameof(chainBits));
        }

        return primes;
    }

    private static int BitCount(ulong[] primes) =>
        primes.Sum(p => 64 - BitOperations.LeadingZeroCount(p));

    private static byte[] ComputeParameterId(int ringDegree, ulong[] primes)
    {
        // A fixed label, the ring degree and each prime, special prime last, all little-endian: two parameter
        // sets get the same id only if a SHA-256 collision is found.
        byte[] label = "SecureFed CKKS parameters v2"u8.ToArray();
        var input = new byte[label.Length + 8 + (8 * primes.Length)];
        label.CopyTo(input, 0);
        BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(label.Length), ringDegree);
        BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(label.Length + 4), primes.Length);
        for (int i = 0; i < primes.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(
                input.AsSpan(label.Length + 8 + (8 * i)), primes[i]);
        }

        return SHA256.HashData(input)[..ParameterIdSize];
    }
}
