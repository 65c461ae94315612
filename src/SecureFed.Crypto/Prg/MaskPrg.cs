// Mask PRG for secure aggregation (Bonawitz et al. 2017; Bell et al. 2020): AES-256 in
// counter mode, NIST SP 800-38A (CTR) over the block cipher of FIPS 197.
//
// Sizes: seed (AES-256 key) 32 bytes, block 16 bytes, 14 rounds, 15 round keys.
//
// Layout (a wire-level contract: two parties must derive the same masks):
// - Counter block j is the 128-bit big-endian integer j, j < 2^64: eight zero bytes,
//   then BE64(j). Keystream = AES_K(block 0) || AES_K(block 1) || ...
// - Coordinates of width w = 4 bytes when bits <= 32, else 8 bytes. Coordinate i is the
//   little-endian word at keystream byte offset i * w, keeping its low `bits` bits.
// - Modulo masks: for coordinate i and attempt a = 0, 1, ... the counter block is
//   BE32(1) || BE32(a) || BE64(i). Its output gives two little-endian uint64 candidates
//   (bytes 0..7, then 8..15); the first below floor(2^64 / m) * m is taken, reduced mod m.
//   The leading BE32(1) keeps this domain apart from the power-of-two keystream.

using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using PlatformAes = System.Security.Cryptography.Aes;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace SecureFed.Crypto.Prg;

/// <summary>
/// Expands a 32-byte seed into pairwise or self masks: AES-256 in counter mode, with random
/// access by coordinate so that any slice of a mask can be derived on its own.
/// </summary>
/// <remarks>
/// Masks are taken modulo 2^bits (<see cref="Generate"/>, <see cref="AddTo"/>,
/// <see cref="SubtractFrom"/>) or modulo any modulus by rejection sampling
/// (<see cref="GenerateModulo"/>). Several threads may generate from one instance at once,
/// for example each on its own slice of a vector: the AES-NI path only reads the round
/// keys, and the portable path takes a lock around the platform's cipher. With AES-NI,
/// eight blocks are encrypted side by side and, given AVX2, masks go from the cipher
/// straight into the target; without AES-NI the platform's AES-ECB encrypts counter
/// blocks, with the same output at a lower speed.
/// </remarks>
public sealed class MaskPrg : IDisposable
{
    /// <summary>Seed size in bytes (an AES-256 key).</summary>
    public const int SeedSize = 32;

    private const int BlockSize = 16;

    private const int Rounds = 14;

    // Eight blocks are encrypted side by side, as one group.
    private const int GroupSize = 8 * BlockSize;

    private const int RoundKeyStride = BlockSize;

    // Keystream is produced in chunks of this many bytes on the stack: large enough that
    // the per-chunk cost vanishes, small enough to stay in L1 next to the target.
    private const int ChunkSize = 2048;

    // BE32(1) || BE32(0): the high half of the first modulo counter block of a coordinate.
    private const ulong ModuloDomain = 1UL << 32;

    private readonly byte[]? _roundKeys;
    private readonly PlatformAes? _portable;
    private bool _disposed;

    /// <summary>Creates a PRG keyed by <paramref name="seed"/>; the seed is copied.</summary>
    /// <exception cref="ArgumentException">The seed is not 32 bytes.</exception>
    public MaskPrg(ReadOnlySpan<byte> seed)
        : this(seed, allowAesNi: true)
    {
    }

    /// <summary>
    /// Creates a PRG that may be held to the portable path, so tests can compare both paths
    /// on one machine. AES-NI is only used where the hardware supports it.
    /// </summary>
    internal MaskPrg(ReadOnlySpan<byte> seed, bool allowAesNi)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"A mask PRG seed is {SeedSize} bytes.", nameof(seed));
        }

        if (allowAesNi && IsHardwareAccelerated)
        {
            // Pinned so that the collector never leaves stale copies of the keys behind.
            _roundKeys = GC.AllocateArray<byte>((Rounds + 1) * RoundKeyStride, pinned: true);
            ExpandKey(seed, _roundKeys);
        }
        else
        {
            _portable = PlatformAes.Create();
            _portable.SetKey(seed);
        }
    }

    /// <summary>True when AES-NI expands the masks; else a slower portable path does.</summary>
    public static bool IsHardwareAccelerated => X86Aes.IsSupported && Ssse3.IsSupported;

    /// <summary>True when this instance runs the AES-NI path.</summary>
    internal bool UsesAesNi => _roundKeys is not null;

    /// <summary>
    /// Writes the raw CTR keystream starting at counter block <paramref name="firstBlock"/>;
    /// the length need not be a multiple of 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The keystream would run past counter block 2^64 - 1.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The PRG is disposed.</exception>
    public void Keystream(ulong firstBlock, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var blocks = ((ulong)destination.Length + BlockSize - 1) / BlockSize;
        if (blocks > 0 && firstBlock > ulong.MaxValue - (blocks - 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(firstBlock), firstBlock, "The keystream ends at counter block 2^64 - 1.");
        }

        var whole = destination.Length & ~(BlockSize - 1);
        CounterKeystream(0, firstBlock, destination[..whole]);
        if (whole == destination.Length)
        {
            return;
        }

        Span<byte> last = stackalloc byte[BlockSize];
        try
        {
            CounterKeystream(0, unchecked(firstBlock + (ulong)(whole / BlockSize)), last);
            last[..(destination.Length - whole)].CopyTo(destination[whole..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(last);
        }
    }

    /// <summary>
    /// Writes mask coordinates <paramref name="firstCoordinate"/> onwards, each modulo
    /// 2^<paramref name="bits"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="firstCoordinate"/> is negative or the range passes
    /// <see cref="long.MaxValue"/>, or <paramref name="bits"/> is not 1 to 64.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The PRG is disposed.</exception>
    public void Generate(long firstCoordinate, int bits, Span<ulong> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRange(firstCoordinate, destination.Length, nameof(firstCoordinate));
        CheckBits(bits);
        Expand(destination, firstCoordinate, bits, keep: 0, flip: 0);
    }

    /// <summary>
    /// Adds mask coordinates <paramref name="firstCoordinate"/> onwards into
    /// <paramref name="target"/>, modulo 2^<paramref name="bits"/>. Target values must
    /// already be below 2^<paramref name="bits"/>; they stay reduced.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="firstCoordinate"/> is negative or the range passes
    /// <see cref="long.MaxValue"/>, or <paramref name="bits"/> is not 1 to 64.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The PRG is disposed.</exception>
    public void AddTo(Span<ulong> target, long firstCoordinate, int bits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRange(firstCoordinate, target.Length, nameof(firstCoordinate));
        CheckBits(bits);
        Expand(target, firstCoordinate, bits, keep: ulong.MaxValue, flip: 0);
    }

    /// <summary>
    /// Subtracts mask coordinates <paramref name="firstCoordinate"/> onwards from
    /// <paramref name="target"/>, modulo 2^<paramref name="bits"/>. Target values must
    /// already be below 2^<paramref name="bits"/>; they stay reduced.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="firstCoordinate"/> is negative or the range passes
    /// <see cref="long.MaxValue"/>, or <paramref name="bits"/> is not 1 to 64.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The PRG is disposed.</exception>
    public void SubtractFrom(Span<ulong> target, long firstCoordinate, int bits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRange(firstCoordinate, target.Length, nameof(firstCoordinate));
        CheckBits(bits);
        Expand(
            target, firstCoordinate, bits, keep: ulong.MaxValue, flip: ulong.MaxValue);
    }

    /// <summary>
    /// Writes mask coordinates <paramref name="firstCoordinate"/> onwards, each uniform in
    /// [0, <paramref name="modulus"/>), by rejection sampling in a domain of its own.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="firstCoordinate"/> is negative or the range passes
    /// <see cref="long.MaxValue"/>, or <paramref name="modulus"/> is below 2.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The PRG is disposed.</exception>
    public void GenerateModulo(long firstCoordinate, ulong modulus, Span<ulong> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRange(firstCoordinate, destination.Length, nameof(firstCoordinate));
        if (modulus < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(modulus), modulus, "The modulus must be at least 2.");
        }

        var maxAccepted = LargestAccepted(modulus);

        Span<byte> buffer = stackalloc byte[ChunkSize];
        try
        {
            var coordinate = (ulong)firstCoordinate;
            var done = 0;
            while (done < destination.Length)
            {
                var count = Math.Min(destination.Length - done, ChunkSize / BlockSize);
                var chunk = buffer[..(count * BlockSize)];
                CounterKeystream(ModuloDomain, coordinate, chunk);
                for (var k = 0; k < count; k++)
                {
                    destination[done + k] = SampleModulo(
                        chunk.Slice(k * BlockSize, BlockSize), coordinate + (ulong)k,
                        modulus, maxAccepted);
                }

                coordinate += (ulong)count;
                done += count;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Clears the round keys.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_roundKeys is not null)
        {
            CryptographicOperations.ZeroMemory(_roundKeys);
        }

        _portable?.Dispose();
    }

    /// <summary>
    /// Encrypts counter blocks BE64(high) || BE64(low + k) for k = 0, 1, ... into
    /// <paramref name="destination"/>, whose length is a multiple of 16. The low half wraps
    /// without carrying into the high half.
    /// </summary>
    internal void CounterKeystream(ulong high, ulong low, Span<byte> destination)
    {
        Debug.Assert(destination.Length % BlockSize == 0, "Whole blocks only.");
        if (_roundKeys is null)
        {
            PortableKeystream(high, low, destination);
        }
        else
        {
            AesNiKeystream(high, low, destination);
        }
    }

    /// <summary>
    /// The largest candidate that rejection sampling accepts: floor(2^64 / m) * m - 1,
    /// computed through 2^64 mod m without leaving 64 bits.
    /// </summary>
    internal static ulong LargestAccepted(ulong modulus)
    {
        Debug.Assert(modulus >= 2, "Moduli below 2 are rejected at the boundary.");
        var excess = (ulong.MaxValue % modulus + 1) % modulus;
        return ulong.MaxValue - excess;
    }

    private static void CheckRange(long firstCoordinate, int length, string name)
    {
        if (firstCoordinate < 0)
        {
            throw new ArgumentOutOfRangeException(
                name, firstCoordinate, "The first coordinate must not be negative.");
        }

        if (firstCoordinate > long.MaxValue - length)
        {
            throw new ArgumentOutOfRangeException(
                name, firstCoordinate, "The coordinates must end at or before long.MaxValue.");
        }
    }

    private static void CheckBits(int bits)
    {
        if (bits is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "Bits must be 1 to 64.");
        }
    }

    private ulong SampleModulo(
        ReadOnlySpan<byte> firstAttempt, ulong coordinate, ulong modulus, ulong maxAccepted)
    {
        var first = BinaryPrimitives.ReadUInt64LittleEndian(firstAttempt);
        if (first <= maxAccepted)
        {
            return first % modulus;
        }

        var second = BinaryPrimitives.ReadUInt64LittleEndian(firstAttempt[8..]);
        if (second <= maxAccepted)
        {
            return second % modulus;
        }

        // Both candidates are rejected with probability below 1/4, so retries are rare
        // enough to take one block at a time. The attempt counter is checked: running out
        // of 2^32 attempts has probability below 2^-(2^33) and is not a state to wrap into.
        Span<byte> block = stackalloc byte[BlockSize];
        try
        {
            for (var attempt = 1U; ; attempt = checked(attempt + 1))
            {
                CounterKeystream(ModuloDomain | attempt, coordinate, block);
                first = BinaryPrimitives.ReadUInt64LittleEndian(block);
                if (first <= maxAccepted)
                {
                    return first % modulus;
                }

                second = BinaryPrimitives.ReadUInt64LittleEndian(block[8..]);
                if (second <= maxAccepted)
                {
                    return second % modulus;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    // target = ((target & keep) + ((mask ^ flip) - flip)) mod 2^bits: keep = 0 makes it a
    // plain store, and since -m = (m ^ ~0) - ~0 one loop serves adding and subtracting.
    private void Expand(Span<ulong> target, long firstCoordinate, int bits, ulong keep, ulong flip)
    {
        var width = bits <= 32 ? 4 : 8;
        var bitMask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        if (_roundKeys is null || !Avx2.IsSupported)
        {
            ExpandChunked(target, firstCoordinate, width, bitMask, keep, flip);
            return;
        }

        // The fused kernel takes whole groups of eight blocks, starting at a block index
        // that is a multiple of eight; the coordinates before and after them go through the
        // chunked path.
        var perBlock = BlockSize / width;
        var perGroup = 8 * perBlock;
        var misalignment = (int)(firstCoordinate % perGroup);
        var head = Math.Min(target.Length, (perGroup - misalignment) % perGroup);
        var body = (target.Length - head) / perGroup * perGroup;
        var firstBlock = (ulong)(firstCoordinate + head) / (ulong)perBlock;

        ExpandChunked(target[..head], firstCoordinate, width, bitMask, keep, flip);
        var bodyTarget = target.Slice(head, body);
        if (keep == 0)
        {
            SetFused(bodyTarget, firstBlock, width, bitMask);
        }
        else if (flip == 0)
        {
            AddFused(bodyTarget, firstBlock, width, bitMask);
        }
        else
        {
            SubtractFused(bodyTarget, firstBlock, width, bitMask);
        }

        ExpandChunked(
            target[(head + body)..], firstCoordinate + head + body, width, bitMask, keep, flip);
    }

    private void ExpandChunked(
        Span<ulong> target, long firstCoordinate, int width, ulong bitMask, ulong keep, ulong flip)
    {
        if (target.IsEmpty)
        {
            return;
        }

        var perBlock = (ulong)(BlockSize / width);
        var block = (ulong)firstCoordinate / perBlock;
        var skip = (int)((ulong)firstCoordinate % perBlock) * width;

        Span<byte> buffer = stackalloc byte[ChunkSize];
        try
        {
            var done = 0;
            while (done < target.Length)
            {
                // After the first chunk the start is block-aligned and chunks fill the buffer.
                var count = Math.Min(target.Length - done, (ChunkSize - skip) / width);
                var blocks = (skip + count * width + BlockSize - 1) / BlockSize;
                CounterKeystream(0, block, buffer[..(blocks * BlockSize)]);

                var words = buffer.Slice(skip, count * width);
                var slice = target.Slice(done, count);
                if (width == 4)
                {
                    Combine32(slice, words, bitMask, keep, flip);
                }
                else
                {
                    Combine64(slice, words, bitMask, keep, flip);
                }

                block += (ulong)blocks;
                done += count;
                skip = 0;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    // Each operation gets its own copy of the fused kernel, with the choices folded away;
    // kept out of line, since three copies in one method exhaust the JIT's inlining budget.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SetFused(Span<ulong> target, ulong firstBlock, int width, ulong bitMask) =>
        ExpandFused(target, firstBlock, width, bitMask, accumulate: false, negate: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddFused(Span<ulong> target, ulong firstBlock, int width, ulong bitMask) =>
        ExpandFused(target, firstBlock, width, bitMask, accumulate: true, negate: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SubtractFused(Span<ulong> target, ulong firstBlock, int width, ulong bitMask) =>
        ExpandFused(target, firstBlock, width, bitMask, accumulate: true, negate: true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ExpandFused(
        Span<ulong> target,
        ulong firstBlock,
        int width,
        ulong bitMask,
        bool accumulate,
        bool negate)
    {
        // The keystream goes from the AES state straight into the target: it never touches
        // memory, and the additions overlap the AES rounds of the next group.
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_roundKeys!);
        ref var t = ref MemoryMarshal.GetReference(target);
        var groups = target.Length / (GroupSize / width);
        var counter = Vector128.Create(0UL, firstBlock);
        var m = Vector256.Create(bitMask);

        unchecked
        {
            for (; groups > 0; groups--)
            {
                EncryptEight(
                    ref keys, ref counter,
                    out var s0, out var s1, out var s2, out var s3,
                    out var s4, out var s5, out var s6, out var s7);

                if (width == 4)
                {
                    CombineVector(ref t, Widen(s0), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 4), Widen(s1), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 8), Widen(s2), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 12), Widen(s3), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 16), Widen(s4), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 20), Widen(s5), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 24), Widen(s6), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 28), Widen(s7), m, accumulate, negate);
                    t = ref Unsafe.Add(ref t, 32);
                }
                else
                {
                    CombineVector(ref t, Join(s0, s1), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 4), Join(s2, s3), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 8), Join(s4, s5), m, accumulate, negate);
                    CombineVector(ref Unsafe.Add(ref t, 12), Join(s6, s7), m, accumulate, negate);
                    t = ref Unsafe.Add(ref t, 16);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Widen(Vector128<byte> words) =>
        Avx2.ConvertToVector256Int64(words.AsUInt32()).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Join(Vector128<byte> lower, Vector128<byte> upper) =>
        Vector256.Create(lower, upper).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CombineVector(
        ref ulong target, Vector256<ulong> mask, Vector256<ulong> bitMask, bool accumulate,
        bool negate)
    {
        var value = mask;
        if (accumulate)
        {
            var current = Vector256.LoadUnsafe(ref target);
            value = negate ? current - mask : current + mask;
        }

        (value & bitMask).StoreUnsafe(ref target);
    }

    private static void Combine64(
        Span<ulong> target, ReadOnlySpan<byte> words, ulong bitMask, ulong keep, ulong flip)
    {
        ref var t = ref MemoryMarshal.GetReference(target);
        ref var w = ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(words));
        var n = (nuint)target.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var keepV = Vector256.Create(keep);
            var flipV = Vector256.Create(flip);
            var maskV = Vector256.Create(bitMask);
            for (; i + 4 <= n; i += 4)
            {
                var m = (Vector256.LoadUnsafe(ref w, i) ^ flipV) - flipV;
                var sum = (Vector256.LoadUnsafe(ref t, i) & keepV) + m;
                (sum & maskV).StoreUnsafe(ref t, i);
            }
        }

        for (; i < n; i++)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(words[(int)(i * 8)..]);
            unchecked
            {
                var m = (word ^ flip) - flip;
                Unsafe.Add(ref t, i) = ((Unsafe.Add(ref t, i) & keep) + m) & bitMask;
            }
        }
    }

    private static void Combine32(
        Span<ulong> target, ReadOnlySpan<byte> words, ulong bitMask, ulong keep, ulong flip)
    {
        // As Combine64, with each 32-bit word widened to 64 bits before the sum.
        ref var t = ref MemoryMarshal.GetReference(target);
        ref var w = ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(words));
        var n = (nuint)target.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var keepV = Vector256.Create(keep);
            var flipV = Vector256.Create(flip);
            var maskV = Vector256.Create(bitMask);
            for (; i + 8 <= n; i += 8)
            {
                var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref w, i));
                var sumLow = (Vector256.LoadUnsafe(ref t, i) & keepV) + ((low ^ flipV) - flipV);
                var sumHigh = (Vector256.LoadUnsafe(ref t, i + 4) & keepV)
                    + ((high ^ flipV) - flipV);
                (sumLow & maskV).StoreUnsafe(ref t, i);
                (sumHigh & maskV).StoreUnsafe(ref t, i + 4);
            }
        }

        for (; i < n; i++)
        {
            ulong word = BinaryPrimitives.ReadUInt32LittleEndian(words[(int)(i * 4)..]);
            unchecked
            {
                var m = (word ^ flip) - flip;
                Unsafe.Add(ref t, i) = ((Unsafe.Add(ref t, i) & keep) + m) & bitMask;
            }
        }
    }

    private void PortableKeystream(ulong high, ulong low, Span<byte> destination)
    {
        Span<byte> counters = stackalloc byte[ChunkSize];
        var offset = 0;
        while (offset < destination.Length)
        {
            var length = Math.Min(ChunkSize, destination.Length - offset);
            for (var k = 0; k < length; k += BlockSize)
            {
                BinaryPrimitives.WriteUInt64BigEndian(counters[k..], high);
                BinaryPrimitives.WriteUInt64BigEndian(counters[(k + 8)..], low);
                low = unchecked(low + 1);
            }

            // The platform's cipher object is not safe for concurrent calls.
            lock (_portable!)
            {
                _portable.EncryptEcb(
                    counters[..length], destination.Slice(offset, length), PaddingMode.None);
            }

            offset += length;
        }
    }

    private void AesNiKeystream(ulong high, ulong low, Span<byte> destination)
    {
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_roundKeys!);

        // Groups of eight blocks start at counters that are multiples of eight. A request
        // that begins or ends inside a group takes its part of the whole group, which costs
        // less than encrypting the odd blocks one at a time, each waiting on the last.
        Span<byte> partial = stackalloc byte[GroupSize];
        try
        {
            var offset = 0;
            var lead = (int)(low % 8);
            if (lead != 0)
            {
                EncryptGroups(ref keys, high, low - (ulong)lead, partial);
                offset = Math.Min(destination.Length, GroupSize - lead * BlockSize);
                partial.Slice(lead * BlockSize, offset).CopyTo(destination);
                low = unchecked(low + (ulong)(offset / BlockSize));
            }

            var whole = (destination.Length - offset) / GroupSize * GroupSize;
            EncryptGroups(ref keys, high, low, destination.Slice(offset, whole));
            offset += whole;
            low = unchecked(low + (ulong)(whole / BlockSize));

            if (offset < destination.Length)
            {
                EncryptGroups(ref keys, high, low, partial);
                partial[..(destination.Length - offset)].CopyTo(destination[offset..]);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(partial);
        }
    }

    private static void EncryptGroups(ref byte keys, ulong high, ulong low, Span<byte> destination)
    {
        ref var output = ref MemoryMarshal.GetReference(destination);
        var counter = Vector128.Create(high, low);

        // Offsets stay within the destination, so checking them would only cost time.
        unchecked
        {
            for (var groups = destination.Length / GroupSize; groups > 0; groups--)
            {
                EncryptEight(
                    ref keys, ref counter,
                    out var s0, out var s1, out var s2, out var s3,
                    out var s4, out var s5, out var s6, out var s7);
                s0.StoreUnsafe(ref output);
                s1.StoreUnsafe(ref output, 16);
                s2.StoreUnsafe(ref output, 32);
                s3.StoreUnsafe(ref output, 48);
                s4.StoreUnsafe(ref output, 64);
                s5.StoreUnsafe(ref output, 80);
                s6.StoreUnsafe(ref output, 96);
                s7.StoreUnsafe(ref output, 112);
                output = ref Unsafe.Add(ref output, GroupSize);
            }
        }
    }

    /// <summary>
    /// Encrypts eight consecutive counter blocks and advances the counter past them. The
    /// counter is little-endian per half, its low half a multiple of eight.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EncryptEight(
        ref byte keys,
        ref Vector128<ulong> counter,
        out Vector128<byte> s0,
        out Vector128<byte> s1,
        out Vector128<byte> s2,
        out Vector128<byte> s3,
        out Vector128<byte> s4,
        out Vector128<byte> s5,
        out Vector128<byte> s6,
        out Vector128<byte> s7)
    {
        Debug.Assert(counter.GetElement(1) % 8 == 0, "Groups start at a multiple of eight.");

        // With the low three bits of the counter clear, adding k < 8 only sets bits in the
        // last byte of the big-endian block, so one XOR with a constant replaces an add and
        // a byte shuffle per block; the first round key is folded in once.
        var key = Vector128.LoadUnsafe(ref keys);
        var first = Ssse3.Shuffle(counter.AsByte(), ByteSwap128()) ^ key;
        counter += Vector128.Create(0UL, 8UL);
        s0 = first;
        s1 = first ^ LastByte(1);
        s2 = first ^ LastByte(2);
        s3 = first ^ LastByte(3);
        s4 = first ^ LastByte(4);
        s5 = first ^ LastByte(5);
        s6 = first ^ LastByte(6);
        s7 = first ^ LastByte(7);

        // Eight blocks in flight cover the latency of AESENC at full issue rate.
        // Limitation: .NET 10 exposes no VAES intrinsics (Aes has no V256 class), so two
        // blocks per instruction are out of reach and 128-bit AES-NI is the fastest path.
        ref var roundKey = ref keys;
        for (var r = 1; r < Rounds; r = unchecked(r + 1))
        {
            roundKey = ref Unsafe.Add(ref roundKey, RoundKeyStride);
            key = Vector128.LoadUnsafe(ref roundKey);
            s0 = X86Aes.Encrypt(s0, key);
            s1 = X86Aes.Encrypt(s1, key);
            s2 = X86Aes.Encrypt(s2, key);
            s3 = X86Aes.Encrypt(s3, key);
            s4 = X86Aes.Encrypt(s4, key);
            s5 = X86Aes.Encrypt(s5, key);
            s6 = X86Aes.Encrypt(s6, key);
            s7 = X86Aes.Encrypt(s7, key);
        }

        key = Vector128.LoadUnsafe(ref Unsafe.Add(ref keys, Rounds * RoundKeyStride));
        s0 = X86Aes.EncryptLast(s0, key);
        s1 = X86Aes.EncryptLast(s1, key);
        s2 = X86Aes.EncryptLast(s2, key);
        s3 = X86Aes.EncryptLast(s3, key);
        s4 = X86Aes.EncryptLast(s4, key);
        s5 = X86Aes.EncryptLast(s5, key);
        s6 = X86Aes.EncryptLast(s6, key);
        s7 = X86Aes.EncryptLast(s7, key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> LastByte(byte value) =>
        Vector128.Create(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ByteSwap128() =>
        Vector128.Create((byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);

    private static void ExpandKey(ReadOnlySpan<byte> seed, byte[] roundKeys)
    {
        // FIPS 197 section 5.2 with Nk = 8: even round keys mix in RotWord(SubWord) and a
        // round constant, odd ones SubWord alone. AESKEYGENASSIST computes both; the
        // shuffle picks the word each step needs.
        var even = Vector128.Create(seed[..16]);
        var odd = Vector128.Create(seed[16..]);
        StoreRoundKey(roundKeys, 0, even);
        StoreRoundKey(roundKeys, 1, odd);

        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x01));
        StoreRoundKey(roundKeys, 2, even);
        odd = MixOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        StoreRoundKey(roundKeys, 3, odd);
        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x02));
        StoreRoundKey(roundKeys, 4, even);
        odd = MixOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        StoreRoundKey(roundKeys, 5, odd);
        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x04));
        StoreRoundKey(roundKeys, 6, even);
        odd = MixOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        StoreRoundKey(roundKeys, 7, odd);
        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x08));
        StoreRoundKey(roundKeys, 8, even);
        odd = MixOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        StoreRoundKey(roundKeys, 9, odd);
        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x10));
        StoreRoundKey(roundKeys, 10, even);
        odd = MixOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        StoreRoundKey(roundKeys, 11, odd);
        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x20));
        StoreRoundKey(roundKeys, 12, even);
        odd = MixOdd(odd, X86Aes.KeygenAssist(even, 0x00));
        StoreRoundKey(roundKeys, 13, odd);
        even = MixEven(even, X86Aes.KeygenAssist(odd, 0x40));
        StoreRoundKey(roundKeys, 14, even);
    }

    private static Vector128<byte> MixEven(Vector128<byte> key, Vector128<byte> assist) =>
        Mix(key, Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte());

    private static Vector128<byte> MixOdd(Vector128<byte> key, Vector128<byte> assist) =>
        Mix(key, Sse2.Shuffle(assist.AsUInt32(), 0xAA).AsByte());

    private static Vector128<byte> Mix(Vector128<byte> key, Vector128<byte> word)
    {
        // Each word of the new key is the running XOR of the previous key's words
        // up to it, plus the transformed word.
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ word;
    }

    private static void StoreRoundKey(byte[] roundKeys, int index, Vector128<byte> key) =>
        key.CopyTo(roundKeys.AsSpan(index * RoundKeyStride, RoundKeyStride));
}
