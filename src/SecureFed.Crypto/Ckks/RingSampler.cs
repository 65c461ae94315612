// Randomness for CKKS keys, encryptions and decryption shares. Every sampler reads an
// AES-256-CTR keystream (the mask PRG) keyed by 32 bytes from the operating system's
// cryptographic generator, which is a cryptographically secure generator in its own right
// and far faster than asking the operating system for every byte.
//
// Distributions (all exact, integer only):
// - uniform ternary {-1, 0, 1}: one byte per coefficient, 255 rejected, the rest mod 3;
// - centred binomial with eta = 21 (Alkim, Ducas, Poeppelmann, Schwabe 2016, "Post-quantum
//   key exchange: a new hope", USENIX Security): the difference of two sums of 21 fair
//   bits, variance 10.5, standard deviation 3.24, support [-21, 21], computed with popcount
//   so that the running time does not depend on the value;
// - uniform on [-2^b, 2^b) for flooding noise (the smudging lemma of Asharov et al. 2012,
//   "Multiparty computation with low communication, computation and interaction via
//   threshold FHE", EUROCRYPT 2012), standard deviation 2^b / sqrt(3);
// - uniform modulo each prime for the common random polynomial and for c1 of secret-key
//   encryption, expanded from a seed so that the seed can stand in for the polynomial:
//   64-bit keystream words masked to the prime's bit length and kept when below it.

using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using SecureFed.Crypto.Prg;

namespace SecureFed.Crypto.Ckks;

/// <summary>
/// A stream of secret randomness for ring elements, expanded with AES-256-CTR from a seed
/// drawn from <see cref="RandomNumberGenerator"/>. Not thread-safe; one per operation.
/// </summary>
internal sealed class RingSampler : IDisposable
{
    /// <summary>eta of the centred binomial error distribution.</summary>
    public const int BinomialEta = 21;

    /// <summary>Standard deviation of the error distribution, sqrt(eta / 2).</summary>
    public static readonly double ErrorStandardDeviation = Math.Sqrt(BinomialEta / 2.0);

    private const int BufferSize = 4096;
    private const ulong EtaMask = (1UL << BinomialEta) - 1;

    // High half of the counter block for uniform rows: an ASCII tag keeps these keystreams
    // apart from every other use of a MaskPrg, and the row index sits in the low bits.
    private const ulong UniformDomain = 0x434B_4B53_0000_0000UL;

    private readonly MaskPrg _prg;
    private readonly byte[] _buffer = new byte[BufferSize];
    private ulong _nextBlock;
    private int _available;
    private bool _disposed;

    private RingSampler(ReadOnlySpan<byte> seed) => _prg = new MaskPrg(seed);

    /// <summary>A sampler keyed by a fresh seed from the operating system.</summary>
    public static RingSampler CreateRandom()
    {
        Span<byte> seed = stackalloc byte[MaskPrg.SeedSize];
        try
        {
            RandomNumberGenerator.Fill(seed);
            return new RingSampler(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with secret random bytes.</summary>
    public void NextBytes(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!destination.IsEmpty)
        {
            if (_available == 0)
            {
                Refill();
            }

            int take = Math.Min(_available, destination.Length);
            int start = BufferSize - _available;
            _buffer.AsSpan(start, take).CopyTo(destination);
            CryptographicOperations.ZeroMemory(_buffer.AsSpan(start, take));
            _available -= take;
            destination = destination[take..];
        }
    }

    /// <summary>Writes uniform values in {-1, 0, 1}.</summary>
    public void SampleTernary(Span<long> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int filled = 0;
        while (filled < destination.Length)
        {
            if (_available == 0)
            {
                Refill();
            }

            byte b = _buffer[BufferSize - _available];
            _buffer[BufferSize - _available] = 0;
            _available--;

            // 255 = 3 * 85 is the only byte that would bias the residue mod 3; rejecting it
            // reveals nothing about the values kept.
            if (b != 255)
            {
                destination[filled++] = (b % 3) - 1;
            }
        }
    }

    /// <summary>Writes centred binomial values with eta = 21 (standard deviation 3.24).</summary>
    public void SampleCenteredBinomial(Span<long> destination)
    {
        for (int j = 0; j < destination.Length; j++)
        {
            ulong bits = NextWord();
            destination[j] = BitOperations.PopCount(bits & EtaMask)
                - BitOperations.PopCount((bits >> BinomialEta) & EtaMask);
        }
    }

    /// <summary>Writes values uniform on [-2^bits, 2^bits), for flooding noise.</summary>
    /// <param name="destination">Where the values go.</param>
    /// <param name="bits">The half-width exponent, 1 to 62.</param>
    public void SampleUniformSigned(Span<long> destination, int bits)
    {
        if (bits is < 1 or > 62)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "Expected 1 to 62 bits.");
        }

        ulong mask = (2UL << bits) - 1;
        long offset = 1L << bits;
        for (int j = 0; j < destination.Length; j++)
        {
            destination[j] = (long)(NextWord() & mask) - offset;
        }
    }

    /// <summary>
    /// Returns the polynomial, in NTT form, whose rows are uniform modulo each prime, expanded
    /// deterministically from <paramref name="seed"/>. A uniform NTT form is a uniform
    /// polynomial, since the transform is a bijection, so no transform is needed. Rows do
    /// not depend on the level: the ciphertext-level expansion is the key-level one without
    /// its last row.
    /// </summary>
    public static RnsPolynomial ExpandUniform(
        CkksContext context, ReadOnlySpan<byte> seed, bool atKeyLevel = false)
    {
        var polynomial = new RnsPolynomial(context, isNttForm: true, atKeyLevel);
        using var prg = new MaskPrg(seed);
        Span<byte> chunk = stackalloc byte[BufferSize];
        for (int i = 0; i < polynomial.ModulusCount; i++)
        {
            ExpandRow(prg, i, context.ModulusAt(i), polynomial.Row(i), chunk);
        }

        return polynomial;
    }

    /// <summary>
    /// Fills one row with values uniform below q: 64-bit words of the keystream of domain
    /// (<see cref="UniformDomain"/>, row), masked to q's bit length, kept when below q.
    /// q > 2^(b-1) keeps more than half of the candidates; the rejections depend only on
    /// the public seed.
    /// </summary>
    private static void ExpandRow(
        MaskPrg prg, int rowIndex, Modulus modulus, Span<ulong> row, Span<byte> chunk)
    {
        ulong q = modulus.Value;
        ulong mask = modulus.BitCount == 64 ? ulong.MaxValue : (1UL << modulus.BitCount) - 1;
        ulong high = UniformDomain | (uint)rowIndex;
        ulong block = 0;
        int filled = 0;
        while (filled < row.Length)
        {
            prg.CounterKeystream(high, block, chunk);
            block += (ulong)(chunk.Length / 16);
            for (int offset = 0; offset < chunk.Length && filled < row.Length; offset += 8)
            {
                ulong candidate = BinaryPrimitives.ReadUInt64LittleEndian(chunk[offset..]) & mask;
                if (candidate < q)
                {
                    row[filled++] = candidate;
                }
            }
        }
    }

    /// <summary>Clears the buffer and the PRG's round keys.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_buffer);
        _prg.Dispose();
    }

    /// <summary>The next eight bytes of the stream as a little-endian word.</summary>
    private ulong NextWord()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_available < 8)
        {
            Span<byte> word = stackalloc byte[8];
            NextBytes(word);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(word);
            CryptographicOperations.ZeroMemory(word);
            return value;
        }

        // Read in place and wipe what was read, so that used randomness does not linger.
        Span<byte> slice = _buffer.AsSpan(BufferSize - _available, 8);
        ulong result = BinaryPrimitives.ReadUInt64LittleEndian(slice);
        slice.Clear();
        _available -= 8;
        return result;
    }

    private void Refill()
    {
        _prg.Keystream(_nextBlock, _buffer);
        _nextBlock += BufferSize / 16;
        _available = BufferSize;
    }
}
