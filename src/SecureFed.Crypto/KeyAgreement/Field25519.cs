// Arithmetic in GF(p), p = 2^255 - 19, the field of Curve25519 (RFC 7748, section 4.1).
// An element is five unsigned 64-bit limbs in radix 2^51: v = l0 + l1 2^51 + ... + l4 2^204.
// Limbs may exceed 51 bits between operations ("loose" form); only ToBytes reduces fully.
// Every operation runs in time independent of the values: no branch or memory index
// depends on a limb, and reductions use masks.

using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace SecureFed.Crypto.KeyAgreement;

/// <summary>
/// An element of GF(2^255 - 19) in radix 2^51, with the field operations of the X25519
/// Montgomery ladder.
/// </summary>
/// <remarks>
/// Bounds, which the ladder in <see cref="Curve25519"/> respects: products and squares
/// return limbs below 2^51 + 2^12 and accept limbs below 2^53; sums and differences of
/// such outputs stay below 2^53. Operations read all their inputs before writing the
/// result, so the result may alias an input.
/// </remarks>
internal struct Field25519
{
    /// <summary>Size of an encoded element, in bytes.</summary>
    public const int EncodedSize = 32;

    /// <summary>The limbs, least significant first.</summary>
    public ulong L0, L1, L2, L3, L4;

    private const ulong Mask51 = (1UL << 51) - 1;

    // The limbs of 2p, added before a subtraction so that no limb goes negative.
    private const ulong TwoP0 = (1UL << 52) - 38;
    private const ulong TwoP1234 = (1UL << 52) - 2;

    // Products are formed as x (y << s): the high word of the 128-bit result is then
    // x y >> (64 - s), and the low word shifted right by s is x y mod 2^(64 - s). Sums of
    // such remainders stay below 2^64, so a coefficient adds up in two plain words without
    // carry flags, which C# cannot reach. Multiply shifts by 8, leaving room for the 77
    // remainders' worth of coefficient 0 (one product, and four folded in times 19);
    // Square shifts by 5, so that 38 y << 5 stays below 2^64 for y < 2^53.
    private const int MulShift = 8;
    private const int SquareShift = 5;

    /// <summary>
    /// Decodes a little-endian u-coordinate. The top bit is ignored and values in
    /// [p, 2^255) are accepted unreduced, as RFC 7748 section 5 requires.
    /// </summary>
    public static void FromBytes(out Field25519 r, ReadOnlySpan<byte> bytes)
    {
        Debug.Assert(bytes.Length == EncodedSize);

        // Limb k holds bits 51k to 51k + 50; each is read from the 8 bytes that cover it.
        r.L0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes) & Mask51;
        r.L1 = (BinaryPrimitives.ReadUInt64LittleEndian(bytes[6..]) >> 3) & Mask51;
        r.L2 = (BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]) >> 6) & Mask51;
        r.L3 = (BinaryPrimitives.ReadUInt64LittleEndian(bytes[19..]) >> 1) & Mask51;
        r.L4 = (BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]) >> 12) & Mask51;
    }

    /// <summary>
    /// Encodes the canonical representative in [0, p), little-endian. Accepts limbs up to
    /// 2^63, so any output of the other operations.
    /// </summary>
    public static void ToBytes(in Field25519 a, Span<byte> bytes)
    {
        unchecked
        {
            Debug.Assert(bytes.Length == EncodedSize);
            ulong l0 = a.L0, l1 = a.L1, l2 = a.L2, l3 = a.L3, l4 = a.L4;

            // Two carry passes bring every limb below 2^51 except l0, which may keep a carry
            // of at most 19: the value is then below 2^255 + 19, so less than 2p.
            CarryOnce(ref l0, ref l1, ref l2, ref l3, ref l4);
            CarryOnce(ref l0, ref l1, ref l2, ref l3, ref l4);

            // q = floor((v + 19) / 2^255) is 1 exactly when v >= p, found by carrying 19
            // through the limbs without keeping the sums.
            ulong q = (l0 + 19) >> 51;
            q = (l1 + q) >> 51;
            q = (l2 + q) >> 51;
            q = (l3 + q) >> 51;
            q = (l4 + q) >> 51;

            // v - q p = v + 19 q - q 2^255: add 19 q, carry, and drop bit 255.
            l0 += 19 * q;
            l1 += l0 >> 51;
            l0 &= Mask51;
            l2 += l1 >> 51;
            l1 &= Mask51;
            l3 += l2 >> 51;
            l2 &= Mask51;
            l4 += l3 >> 51;
            l3 &= Mask51;
            l4 &= Mask51;

            BinaryPrimitives.WriteUInt64LittleEndian(bytes, l0 | (l1 << 51));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], (l1 >> 13) | (l2 << 38));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], (l2 >> 26) | (l3 << 25));
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], (l3 >> 39) | (l4 << 12));
        }
    }

    /// <summary>Sets <paramref name="r"/> to the small value <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FromSmall(out Field25519 r, uint value)
    {
        r.L0 = value;
        r.L1 = 0;
        r.L2 = 0;
        r.L3 = 0;
        r.L4 = 0;
    }

    /// <summary>r = a + b, limb by limb, without carrying.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(out Field25519 r, in Field25519 a, in Field25519 b)
    {
        unchecked
        {
            r.L0 = a.L0 + b.L0;
            r.L1 = a.L1 + b.L1;
            r.L2 = a.L2 + b.L2;
            r.L3 = a.L3 + b.L3;
            r.L4 = a.L4 + b.L4;
        }
    }

    /// <summary>
    /// r = a - b + 2p, limb by limb, without carrying; b must have limbs below 2^52 - 38.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Subtract(out Field25519 r, in Field25519 a, in Field25519 b)
    {
        unchecked
        {
            Debug.Assert(b.L0 <= TwoP0 && b.L1 <= TwoP1234 && b.L2 <= TwoP1234);
            Debug.Assert(b.L3 <= TwoP1234 && b.L4 <= TwoP1234);
            r.L0 = a.L0 + TwoP0 - b.L0;
            r.L1 = a.L1 + TwoP1234 - b.L1;
            r.L2 = a.L2 + TwoP1234 - b.L2;
            r.L3 = a.L3 + TwoP1234 - b.L3;
            r.L4 = a.L4 + TwoP1234 - b.L4;
        }
    }

    /// <summary>r = a b mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(out Field25519 r, in Field25519 a, in Field25519 b)
    {
        unchecked
        {
            AssertLoose(a);
            AssertLoose(b);
            const int s = MulShift;
            ulong a0 = a.L0 << s, a1 = a.L1 << s, a2 = a.L2 << s, a3 = a.L3 << s, a4 = a.L4 << s;

            // Coefficient k of the schoolbook product is h 2^(64 - s) + l; since
            // 2^255 = 19 (mod p), coefficient k + 5 folds into it times 19. Each coefficient
            // is carried into the next as soon as it is complete, so few values stay live;
            // the limbs of b are read where used, and r is written last, as it may be b.
            ulong h = Hi(a1, b.L4) + Hi(a2, b.L3) + Hi(a3, b.L2) + Hi(a4, b.L1);
            ulong l = Lo(a1, b.L4, s) + Lo(a2, b.L3, s) + Lo(a3, b.L2, s) + Lo(a4, b.L1, s);
            h = Hi(a0, b.L0) + Times19(h);
            l = Lo(a0, b.L0, s) + Times19(l);
            ulong r0 = l & Mask51;
            ulong c = Carry(h, l, s);

            h = Hi(a2, b.L4) + Hi(a3, b.L3) + Hi(a4, b.L2);
            l = Lo(a2, b.L4, s) + Lo(a3, b.L3, s) + Lo(a4, b.L2, s);
            h = Hi(a0, b.L1) + Hi(a1, b.L0) + Times19(h);
            l = Lo(a0, b.L1, s) + Lo(a1, b.L0, s) + Times19(l) + c;
            ulong r1 = l & Mask51;
            c = Carry(h, l, s);

            h = Hi(a3, b.L4) + Hi(a4, b.L3);
            l = Lo(a3, b.L4, s) + Lo(a4, b.L3, s);
            h = Hi(a0, b.L2) + Hi(a1, b.L1) + Hi(a2, b.L0) + Times19(h);
            l = Lo(a0, b.L2, s) + Lo(a1, b.L1, s) + Lo(a2, b.L0, s) + Times19(l) + c;
            ulong r2 = l & Mask51;
            c = Carry(h, l, s);

            h = Hi(a0, b.L3) + Hi(a1, b.L2) + Hi(a2, b.L1) + Hi(a3, b.L0)
                + Times19(Hi(a4, b.L4));
            l = Lo(a0, b.L3, s) + Lo(a1, b.L2, s) + Lo(a2, b.L1, s) + Lo(a3, b.L0, s)
                + Times19(Lo(a4, b.L4, s)) + c;
            ulong r3 = l & Mask51;
            c = Carry(h, l, s);

            h = Hi(a0, b.L4) + Hi(a1, b.L3) + Hi(a2, b.L2) + Hi(a3, b.L1) + Hi(a4, b.L0);
            l = Lo(a0, b.L4, s) + Lo(a1, b.L3, s) + Lo(a2, b.L2, s) + Lo(a3, b.L1, s)
                + Lo(a4, b.L0, s) + c;
            ulong r4 = l & Mask51;
            c = Carry(h, l, s);

            r.L2 = r2;
            r.L3 = r3;
            r.L4 = r4;
            FoldTopCarry(r0, r1, c, out r.L0, out r.L1);
        }
    }

    /// <summary>r = a^2 mod p, with 15 products instead of 25.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Square(out Field25519 r, in Field25519 a)
    {
        unchecked
        {
            AssertLoose(a);
            const int s = SquareShift;
            ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;

            // Cross products appear twice, so one factor is doubled; those that wrap past
            // 2^255 also carry the 19, hence the factors 38 and 19 on the shifted side.
            // Each shifted factor is formed just before its first use to keep few live.
            ulong a4x38 = Times19(a4) << (s + 1);
            ulong a3x38 = Times19(a3) << (s + 1);
            ulong h = Hi(a0, a0 << s) + Hi(a1, a4x38) + Hi(a2, a3x38);
            ulong l = Lo(a0, a0 << s, s) + Lo(a1, a4x38, s) + Lo(a2, a3x38, s);
            ulong r0 = l & Mask51;
            ulong c = Carry(h, l, s);

            ulong a0x2 = a0 << (s + 1);
            ulong a3x19 = Times19(a3) << s;
            h = Hi(a1, a0x2) + Hi(a2, a4x38) + Hi(a3, a3x19);
            l = Lo(a1, a0x2, s) + Lo(a2, a4x38, s) + Lo(a3, a3x19, s) + c;
            ulong r1 = l & Mask51;
            c = Carry(h, l, s);

            h = Hi(a2, a0x2) + Hi(a1, a1 << s) + Hi(a3, a4x38);
            l = Lo(a2, a0x2, s) + Lo(a1, a1 << s, s) + Lo(a3, a4x38, s) + c;
            r.L2 = l & Mask51;
            c = Carry(h, l, s);

            ulong a1x2 = a1 << (s + 1);
            ulong a4x19 = Times19(a4) << s;
            h = Hi(a3, a0x2) + Hi(a2, a1x2) + Hi(a4, a4x19);
            l = Lo(a3, a0x2, s) + Lo(a2, a1x2, s) + Lo(a4, a4x19, s) + c;
            r.L3 = l & Mask51;
            c = Carry(h, l, s);

            h = Hi(a4, a0x2) + Hi(a3, a1x2) + Hi(a2, a2 << s);
            l = Lo(a4, a0x2, s) + Lo(a3, a1x2, s) + Lo(a2, a2 << s, s) + c;
            r.L4 = l & Mask51;
            c = Carry(h, l, s);

            FoldTopCarry(r0, r1, c, out r.L0, out r.L1);
        }
    }

    /// <summary>r = a^(2^n) mod p, for n >= 1.</summary>
    public static void SquareTimes(out Field25519 r, in Field25519 a, int n)
    {
        Debug.Assert(n >= 1);
        Square(out r, a);
        for (int i = 1; i < n; i++)
        {
            Square(out r, r);
        }
    }

    /// <summary>
    /// r = k a mod p for a small constant k below 2^17, such as the ladder's
    /// a24 = 121665 or the base point's u = 9.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplySmall(out Field25519 r, in Field25519 a, uint k)
    {
        unchecked
        {
            AssertLoose(a);
            Debug.Assert(k < 1U << 17);

            // With k shifted by 13 the high word is the product's carry out of 51 bits and
            // the low word, shifted back, its low 51 bits. Carries stay below 2^19, so one
            // pass leaves every limb below 2^51 + 2^24.
            ulong y = (ulong)k << 13;
            ulong c4 = Hi(a.L4, y);
            ulong r4 = Lo(a.L4, y, 13) + Hi(a.L3, y);
            ulong r3 = Lo(a.L3, y, 13) + Hi(a.L2, y);
            ulong r2 = Lo(a.L2, y, 13) + Hi(a.L1, y);
            ulong r1 = Lo(a.L1, y, 13) + Hi(a.L0, y);
            r.L0 = Lo(a.L0, y, 13) + Times19(c4);
            r.L1 = r1;
            r.L2 = r2;
            r.L3 = r3;
            r.L4 = r4;
        }
    }

    /// <summary>
    /// r = a^(p - 2) = a^-1 mod p by Fermat's little theorem; zero maps to zero.
    /// </summary>
    /// <remarks>
    /// p - 2 = 2^255 - 21 = (2^250 - 1) 2^5 + 11. The chain builds a^(2^k - 1) for
    /// k = 5, 10, 20, 40, 50, 100, 200, 250 from a^9 and a^11, each step squaring k times
    /// and multiplying by an earlier power: 254 squarings and 11 products in all.
    /// </remarks>
    public static void Invert(out Field25519 r, in Field25519 a)
    {
        // The powers of a secret are secrets too, so they are cleared on the way out.
        Field25519 t0 = default, t1 = default, a11 = default, e5 = default;
        Field25519 e10 = default, e20 = default, e50 = default, e100 = default;
        try
        {
            Square(out t0, a);
            SquareTimes(out t1, t0, 2);
            Multiply(out t1, t1, a);
            Multiply(out a11, t0, t1);
            Square(out t0, a11);
            Multiply(out e5, t0, t1);

            SquareTimes(out t0, e5, 5);
            Multiply(out e10, t0, e5);
            SquareTimes(out t0, e10, 10);
            Multiply(out e20, t0, e10);
            SquareTimes(out t0, e20, 20);
            Multiply(out t0, t0, e20);
            SquareTimes(out t0, t0, 10);
            Multiply(out e50, t0, e10);
            SquareTimes(out t0, e50, 50);
            Multiply(out e100, t0, e50);
            SquareTimes(out t0, e100, 100);
            Multiply(out t0, t0, e100);
            SquareTimes(out t0, t0, 50);
            Multiply(out t0, t0, e50);

            SquareTimes(out t0, t0, 5);
            Multiply(out r, t0, a11);
        }
        finally
        {
            Clear(ref t0);
            Clear(ref t1);
            Clear(ref a11);
            Clear(ref e5);
            Clear(ref e10);
            Clear(ref e20);
            Clear(ref e50);
            Clear(ref e100);
        }
    }

    /// <summary>
    /// Swaps <paramref name="a"/> and <paramref name="b"/> when <paramref name="swap"/> is 1
    /// and leaves them when it is 0, with the same instructions either way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ConditionalSwap(ref Field25519 a, ref Field25519 b, ulong swap)
    {
        Debug.Assert(swap <= 1);
        ulong mask = unchecked(0UL - swap);
        SwapLimb(ref a.L0, ref b.L0, mask);
        SwapLimb(ref a.L1, ref b.L1, mask);
        SwapLimb(ref a.L2, ref b.L2, mask);
        SwapLimb(ref a.L3, ref b.L3, mask);
        SwapLimb(ref a.L4, ref b.L4, mask);
    }

    /// <summary>Sets every limb to zero through a call the JIT cannot remove.</summary>
    public static void Clear(ref Field25519 a) =>
        CryptographicOperations.ZeroMemory(
            MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref a, 1)));

    /// <summary>Swaps x and y when mask is all ones, leaves them when it is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapLimb(ref ulong x, ref ulong y, ulong mask)
    {
        ulong t = (x ^ y) & mask;
        x ^= t;
        y ^= t;
    }

    /// <summary>The high 64 bits of the 128-bit product x y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hi(ulong x, ulong y) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(x, y) : Math.BigMul(x, y, out _);

    /// <summary>The low 64 bits of x y, shifted right by s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Lo(ulong x, ulong y, int s) => unchecked(x * y) >> s;

    /// <summary>19 x as x + 2 (x + 8 x), two LEAs: the multiplier is the scarce unit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Times19(ulong x) => unchecked(x + ((x + (x << 3)) << 1));

    /// <summary>
    /// The carry out of 51 bits of a coefficient h 2^(64 - s) + l, for s at most 13.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Carry(ulong h, ulong l, int s) =>
        unchecked((h << (13 - s)) + (l >> 51));

    /// <summary>
    /// Writes limbs 0 and 1 of a product, adding back the carry out of the top limb
    /// times 19, since 2^255 = 19 (mod p).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FoldTopCarry(
        ulong r0, ulong r1, ulong topCarry, out ulong limb0, out ulong limb1)
    {
        unchecked
        {
            // The top carry is below 2^58, so 19 times it still fits; one more step brings
            // limb 0 below 2^51 and leaves limb 1 below 2^51 + 2^12.
            r0 += Times19(topCarry);
            limb1 = r1 + (r0 >> 51);
            limb0 = r0 & Mask51;
        }
    }

    /// <summary>Carries every limb into the next, and the top one back times 19.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CarryOnce(
        ref ulong l0, ref ulong l1, ref ulong l2, ref ulong l3, ref ulong l4)
    {
        unchecked
        {
            l1 += l0 >> 51;
            l0 &= Mask51;
            l2 += l1 >> 51;
            l1 &= Mask51;
            l3 += l2 >> 51;
            l2 &= Mask51;
            l4 += l3 >> 51;
            l3 &= Mask51;
            l0 += 19 * (l4 >> 51);
            l4 &= Mask51;
        }
    }

    /// <summary>Checks the input bound of the products in debug builds.</summary>
    [Conditional("DEBUG")]
    private static void AssertLoose(in Field25519 a)
    {
        const ulong bound = 1UL << 53;
        Debug.Assert(a.L0 < bound && a.L1 < bound && a.L2 < bound);
        Debug.Assert(a.L3 < bound && a.L4 < bound);
    }
}
