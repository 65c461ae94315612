// The X25519 function of RFC 7748, section 5: the Montgomery ladder on Curve25519 over
// GF(2^255 - 19), on u-coordinates only. Scalars, u-coordinates and results are 32 bytes,
// little-endian. 255 ladder steps, each 5 products, 4 squares and a product by
// a24 = 121665, then one inversion (254 squares, 11 products). The instructions and memory
// accesses are the same for every scalar and every u: scalar bits only select the masks
// of the conditional swaps.

using System.Diagnostics;
using System.Security.Cryptography;

namespace SecureFed.Crypto.KeyAgreement;

/// <summary>X25519 scalar multiplication in constant time (RFC 7748, section 5).</summary>
internal static class Curve25519
{
    /// <summary>Size of a scalar, a u-coordinate and a result, in bytes.</summary>
    public const int Size = 32;

    // (486662 - 2) / 4, from the curve's coefficient A = 486662 (RFC 7748, section 4.1).
    private const uint A24 = 121665;

    // The u-coordinate of the base point (RFC 7748, section 4.1).
    private const byte BaseU = 9;

    /// <summary>
    /// Writes X25519(<paramref name="scalar"/>, <paramref name="u"/>) to
    /// <paramref name="result"/>. The scalar is clamped (decodeScalar25519); the top bit of
    /// u is ignored and u in [p, 2^255) is taken as is (decodeUCoordinate).
    /// </summary>
    /// <returns>
    /// True when the result is all zeros, which happens exactly when u is a point of small
    /// order on the curve or its twist; key agreement must then be rejected. The check runs
    /// in constant time.
    /// </returns>
    public static bool ScalarMult(
        ReadOnlySpan<byte> scalar, ReadOnlySpan<byte> u, Span<byte> result)
    {
        Debug.Assert(scalar.Length == Size && u.Length == Size && result.Length == Size);
        Span<byte> clamped = stackalloc byte[Size];
        Field25519 x1 = default, x2 = default, z2 = default;
        try
        {
            scalar.CopyTo(clamped);
            clamped[0] &= 248;
            clamped[31] &= 127;
            clamped[31] |= 64;
            Field25519.FromBytes(out x1, u);

            Ladder(clamped, x1, ref x2, ref z2);

            // The inverse of z is zero when z is, so the point at infinity encodes as 0.
            Field25519.Invert(out z2, z2);
            Field25519.Multiply(out x2, x2, z2);
            Field25519.ToBytes(x2, result);
            return IsZero(result);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clamped);
            Field25519.Clear(ref x1);
            Field25519.Clear(ref x2);
            Field25519.Clear(ref z2);
        }
    }

    /// <summary>
    /// Writes X25519(<paramref name="scalar"/>, 9), the public key of a private scalar, to
    /// <paramref name="result"/>, with the same ladder as any other u.
    /// </summary>
    /// <remarks>
    /// Limitation: a fixed-base method with precomputed multiples of the base point would
    /// be faster; BouncyCastle's GeneratePublicKey is one, and X25519PrivateKey uses it.
    /// </remarks>
    /// <returns>True when the result is all zeros, which no clamped scalar gives.</returns>
    public static bool ScalarMultBase(ReadOnlySpan<byte> scalar, Span<byte> result)
    {
        Span<byte> basePoint = stackalloc byte[Size];
        basePoint[0] = BaseU;
        return ScalarMult(scalar, basePoint, result);
    }

    /// <summary>
    /// Runs the 255 ladder steps from bit 254 down to bit 0 of the clamped scalar on the
    /// point with u-coordinate <paramref name="x1"/>, leaving its multiple in projective
    /// form (x2 : z2).
    /// </summary>
    /// <param name="clamped">The clamped scalar.</param>
    /// <param name="x1">The u-coordinate of the input point.</param>
    /// <param name="x2">Receives the numerator of the result.</param>
    /// <param name="z2">Receives the denominator of the result.</param>
    private static void Ladder(
        ReadOnlySpan<byte> clamped,
        in Field25519 x1,
        ref Field25519 x2,
        ref Field25519 z2)
    {
        Debug.Assert(clamped.Length == Size);

        // Plain locals sit at fixed frame offsets, which keeps registers free in the loop.
        Field25519 x3 = x1, z3 = default, a = default, b = default, c = default;
        Field25519 d = default, aa = default, bb = default, e = default;
        try
        {
            Field25519.FromSmall(out x2, 1);
            Field25519.FromSmall(out z2, 0);
            Field25519.FromSmall(out z3, 1);

            // The swap is deferred: each step swaps only when the bit differs from the last.
            ulong swap = 0;
            for (int t = 254; t >= 0; t--)
            {
                ulong bit = (ulong)((uint)clamped[t >> 3] >> (t & 7)) & 1;
                swap ^= bit;
                Field25519.ConditionalSwap(ref x2, ref x3, swap);
                Field25519.ConditionalSwap(ref z2, ref z3, swap);
                swap = bit;

                Field25519.Add(out a, x2, z2);
                Field25519.Square(out aa, a);
                Field25519.Subtract(out b, x2, z2);
                Field25519.Square(out bb, b);
                Field25519.Subtract(out e, aa, bb);
                Field25519.Add(out c, x3, z3);
                Field25519.Subtract(out d, x3, z3);

                // DA and CB overwrite D and C.
                Field25519.Multiply(out d, d, a);
                Field25519.Multiply(out c, c, b);
                Field25519.Add(out a, d, c);
                Field25519.Square(out x3, a);
                Field25519.Subtract(out b, d, c);
                Field25519.Square(out b, b);
                Field25519.Multiply(out z3, x1, b);

                Field25519.Multiply(out x2, aa, bb);
                Field25519.MultiplySmall(out a, e, A24);
                Field25519.Add(out a, aa, a);
                Field25519.Multiply(out z2, e, a);
            }

            Field25519.ConditionalSwap(ref x2, ref x3, swap);
            Field25519.ConditionalSwap(ref z2, ref z3, swap);
        }
        finally
        {
            Field25519.Clear(ref x3);
            Field25519.Clear(ref z3);
            Field25519.Clear(ref a);
            Field25519.Clear(ref b);
            Field25519.Clear(ref c);
            Field25519.Clear(ref d);
            Field25519.Clear(ref aa);
            Field25519.Clear(ref bb);
            Field25519.Clear(ref e);
        }
    }

    /// <summary>Whether all bytes are zero, without branching on any of them.</summary>
    private static bool IsZero(ReadOnlySpan<byte> bytes)
    {
        uint any = 0;
        foreach (byte value in bytes)
        {
            any |= value;
        }

        // any - 1 wraps to 2^32 - 1 only when any is 0.
        return (unchecked(any - 1) >> 31) != 0;
    }
}
