using System.Numerics;
using SecureFed.Crypto.KeyAgreement;
using BouncyX25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace SecureFed.Crypto.Tests.KeyAgreement;

public class Curve25519Tests
{
    private static readonly BigInteger P = (BigInteger.One << 255) - 19;

    // RFC 7748, section 5.2: scalar, input u-coordinate, output u-coordinate.
    public static TheoryData<string, string, string> Rfc7748ScalarMultVectors => new()
    {
        {
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
        },
        {
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
        },
    };

    // RFC 7748, section 5.2, the iterated test: k and u start as 9; each round sets
    // k = X25519(k, u) and u = the previous k. The RFC's value after 1,000,000 rounds
    // would take minutes and is left out.
    public static TheoryData<int, string> Rfc7748IteratedVectors => new()
    {
        { 1, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079" },
        { 1_000, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51" },
    };

    // RFC 7748, section 6.1.
    private const string AlicePrivate =
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublic =
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobPrivate =
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublic =
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    private const string SharedSecret =
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

    // u-coordinates of points of order 2, 4 and 8 on the curve and its twist, and
    // non-canonical or top-bit-set encodings of some of them. Every clamped scalar is a
    // multiple of 8, so X25519 maps all of them to zero.
    public static TheoryData<string> LowOrderPoints => new()
    {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };

    [Theory]
    [MemberData(nameof(Rfc7748ScalarMultVectors))]
    public void ScalarMult_Rfc7748Section52Vector_GivesExpectedU(
        string scalar, string u, string expected)
    {
        var result = new byte[32];

        bool isZero = Curve25519.ScalarMult(Hex(scalar), Hex(u), result);

        Assert.Equal(expected, Convert.ToHexStringLower(result));
        Assert.False(isZero);
    }

    [Theory]
    [MemberData(nameof(Rfc7748IteratedVectors))]
    public void ScalarMult_Rfc7748IteratedTest_GivesExpectedK(int iterations, string expected)
    {
        var k = new byte[32];
        var u = new byte[32];
        var next = new byte[32];
        k[0] = 9;
        u[0] = 9;

        for (int i = 0; i < iterations; i++)
        {
            Curve25519.ScalarMult(k, u, next);
            k.CopyTo(u, 0);
            next.CopyTo(k, 0);
        }

        Assert.Equal(expected, Convert.ToHexStringLower(k));
    }

    [Fact]
    public void ScalarMultBase_Rfc7748Section61PrivateKeys_GiveTheirPublicKeys()
    {
        var alice = new byte[32];
        var bob = new byte[32];

        Curve25519.ScalarMultBase(Hex(AlicePrivate), alice);
        Curve25519.ScalarMultBase(Hex(BobPrivate), bob);

        Assert.Equal(AlicePublic, Convert.ToHexStringLower(alice));
        Assert.Equal(BobPublic, Convert.ToHexStringLower(bob));
    }

    [Fact]
    public void ScalarMult_Rfc7748Section61KeyPairs_AgreeOnTheSharedSecret()
    {
        var fromAlice = new byte[32];
        var fromBob = new byte[32];

        Assert.False(Curve25519.ScalarMult(Hex(AlicePrivate), Hex(BobPublic), fromAlice));
        Assert.False(Curve25519.ScalarMult(Hex(BobPrivate), Hex(AlicePublic), fromBob));

        Assert.Equal(SharedSecret, Convert.ToHexStringLower(fromAlice));
        Assert.Equal(SharedSecret, Convert.ToHexStringLower(fromBob));
    }

    [Fact]
    public void ScalarMult_RandomInputs_MatchesBouncyCastle()
    {
        // About half of the random u have the top bit set, which both must ignore.
        var random = new Random(7748);
        var scalar = new byte[32];
        var u = new byte[32];
        int topBitSet = 0;

        for (int i = 0; i < 2_000; i++)
        {
            random.NextBytes(scalar);
            random.NextBytes(u);
            topBitSet += u[31] >> 7;

            AssertMatchesBouncyCastle(scalar, u);
        }

        Assert.InRange(topBitSet, 800, 1_200);
    }

    [Fact]
    public void ScalarMult_NonCanonicalU_MatchesBouncyCastleAndTheReducedU()
    {
        // [p, 2^255) holds p + j for j = 0..18; each must act as j, with or without the
        // top bit that decodeUCoordinate drops.
        var random = new Random(255);
        var scalar = new byte[32];

        for (int j = 0; j <= 18; j++)
        {
            byte[] nonCanonical = Raw(P + j);
            byte[] withTopBit = (byte[])nonCanonical.Clone();
            withTopBit[31] |= 0x80;
            byte[] reduced = Raw(j);

            for (int trial = 0; trial < 10; trial++)
            {
                random.NextBytes(scalar);
                AssertMatchesBouncyCastle(scalar, nonCanonical);
                AssertMatchesBouncyCastle(scalar, withTopBit);
                Assert.Equal(Mult(scalar, reduced), Mult(scalar, nonCanonical));
                Assert.Equal(Mult(scalar, reduced), Mult(scalar, withTopBit));
            }
        }
    }

    [Fact]
    public void ScalarMultBase_RandomScalars_MatchesBouncyCastle()
    {
        var random = new Random(9);
        var scalar = new byte[32];
        var ours = new byte[32];
        var theirs = new byte[32];

        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(scalar);

            Assert.False(Curve25519.ScalarMultBase(scalar, ours));
            BouncyX25519.ScalarMultBase(scalar, 0, theirs, 0);

            Assert.Equal(theirs, ours);
        }
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void ScalarMult_LowOrderPoint_GivesZeroAndReportsIt(string u)
    {
        var random = new Random(8);
        var scalar = new byte[32];
        var result = new byte[32];

        for (int trial = 0; trial < 5; trial++)
        {
            random.NextBytes(scalar);
            result.AsSpan().Fill(0xAA);

            Assert.True(Curve25519.ScalarMult(scalar, Hex(u), result));
            Assert.All(result, value => Assert.Equal(0, value));
            AssertMatchesBouncyCastle(scalar, Hex(u));
        }
    }

    [Fact]
    public void Multiply_LooseRandomElements_MatchesBigInteger()
    {
        var random = new Random(1);

        for (int i = 0; i < 2_000; i++)
        {
            Field25519 a = RandomElement(random, 53);
            Field25519 b = RandomElement(random, 53);

            Field25519.Multiply(out Field25519 product, a, b);

            AssertLimbsBelow(product, (1UL << 51) + (1UL << 12));
            Assert.Equal(Canonical(Value(a) * Value(b)), ToBytes(product));
        }
    }

    [Fact]
    public void Multiply_OutputAliasingAnInput_MatchesBigInteger()
    {
        var random = new Random(2);
        Field25519 a = RandomElement(random, 53);
        Field25519 b = RandomElement(random, 53);
        BigInteger expected = Value(a) * Value(b) * Value(b);

        Field25519.Multiply(out Field25519 ab, a, b);
        Field25519.Multiply(out ab, ab, b);
        Field25519.Multiply(out b, a, b);
        Field25519.Multiply(out b, b, b);

        Assert.Equal(Canonical(expected), ToBytes(ab));
        Assert.Equal(Canonical(expected * Value(a)), ToBytes(b));
    }

    [Fact]
    public void Square_LooseRandomElements_EqualsMultiplyBySelfAndBigInteger()
    {
        var random = new Random(3);

        for (int i = 0; i < 2_000; i++)
        {
            Field25519 a = RandomElement(random, 53);

            Field25519.Square(out Field25519 square, a);
            Field25519.Multiply(out Field25519 product, a, a);

            AssertLimbsBelow(square, (1UL << 51) + (1UL << 12));
            Assert.Equal(ToBytes(product), ToBytes(square));
            Assert.Equal(Canonical(Value(a) * Value(a)), ToBytes(square));
        }
    }

    [Fact]
    public void Square_LargestLooseLimbs_MatchesBigInteger()
    {
        Field25519 a = FromLimbs((1UL << 53) - 1);

        Field25519.Square(out Field25519 square, a);
        Field25519.Multiply(out Field25519 product, a, a);

        Assert.Equal(Canonical(Value(a) * Value(a)), ToBytes(square));
        Assert.Equal(Canonical(Value(a) * Value(a)), ToBytes(product));
    }

    [Fact]
    public void AddSubtractMultiplySmall_RandomElements_MatchBigInteger()
    {
        var random = new Random(4);

        for (int i = 0; i < 1_000; i++)
        {
            // Products, because Subtract expects a product's bounds on its second input.
            Field25519 x = RandomElement(random, 53), y = RandomElement(random, 53);
            Field25519.Multiply(out Field25519 a, x, y);
            Field25519.Multiply(out Field25519 b, y, RandomElement(random, 53));

            Field25519.Add(out Field25519 sum, a, b);
            Field25519.Subtract(out Field25519 difference, a, b);
            Field25519.MultiplySmall(out Field25519 scaled, difference, 121665);

            Assert.Equal(Canonical(Value(a) + Value(b)), ToBytes(sum));
            Assert.Equal(Canonical(Value(a) - Value(b)), ToBytes(difference));
            Assert.Equal(Canonical((Value(a) - Value(b)) * 121665), ToBytes(scaled));
        }
    }

    [Fact]
    public void Invert_RandomElements_TimesElementIsOne()
    {
        var random = new Random(5);
        byte[] one = Canonical(1);

        for (int i = 0; i < 200; i++)
        {
            Field25519 a = RandomElement(random, 51);

            Field25519.Invert(out Field25519 inverse, a);
            Field25519.Multiply(out Field25519 product, inverse, a);

            Assert.Equal(one, ToBytes(product));
            Assert.Equal(Canonical(BigInteger.ModPow(Value(a), P - 2, P)), ToBytes(inverse));
        }
    }

    [Fact]
    public void Invert_ZeroAndP_GiveZero()
    {
        Field25519.FromSmall(out Field25519 zero, 0);
        Field25519.FromBytes(out Field25519 p, Raw(P));

        Field25519.Invert(out Field25519 fromZero, zero);
        Field25519.Invert(out Field25519 fromP, p);

        Assert.Equal(new byte[32], ToBytes(fromZero));
        Assert.Equal(new byte[32], ToBytes(fromP));
    }

    [Theory]
    [InlineData("p-1")]
    [InlineData("p")]
    [InlineData("p+1")]
    [InlineData("p+18")]
    [InlineData("2p-1")]
    [InlineData("2p")]
    [InlineData("2p+37")]
    [InlineData("2^255+18")]
    [InlineData("2^256-1")]
    public void ToBytes_EdgeValue_EncodesCanonically(string name)
    {
        BigInteger value = name switch
        {
            "p-1" => P - 1,
            "p" => P,
            "p+1" => P + 1,
            "p+18" => P + 18,
            "2p-1" => (2 * P) - 1,
            "2p" => 2 * P,
            "2p+37" => (2 * P) + 37,
            "2^255+18" => (BigInteger.One << 255) + 18,
            _ => (BigInteger.One << 256) - 1,
        };

        // Values past 2^255 need a top limb of 52 bits or more, as loose elements have.
        Field25519 a = LooseFromValue(value);

        Assert.Equal(Canonical(value), ToBytes(a));
    }

    [Fact]
    public void ToBytes_RandomLimbsUpTo2To63_EncodesCanonically()
    {
        var random = new Random(6);

        for (int i = 0; i < 2_000; i++)
        {
            Field25519 a = RandomElement(random, 63);

            Assert.Equal(Canonical(Value(a)), ToBytes(a));
        }
    }

    [Fact]
    public void FromBytes_TopBitSet_IsIgnored()
    {
        var random = new Random(7);
        var bytes = new byte[32];

        for (int i = 0; i < 200; i++)
        {
            random.NextBytes(bytes);
            bytes[31] |= 0x80;
            BigInteger expected =
                new BigInteger(bytes, isUnsigned: true) - (BigInteger.One << 255);

            Field25519.FromBytes(out Field25519 a, bytes);

            AssertLimbsBelow(a, 1UL << 51);
            Assert.Equal(expected, Value(a));
        }
    }

    [Fact]
    public void ConditionalSwap_SwapsOnlyWhenAsked()
    {
        var random = new Random(8);
        Field25519 a = RandomElement(random, 51);
        Field25519 b = RandomElement(random, 51);
        Field25519 x = a, y = b;

        Field25519.ConditionalSwap(ref x, ref y, 0);
        Assert.Equal((Value(a), Value(b)), (Value(x), Value(y)));

        Field25519.ConditionalSwap(ref x, ref y, 1);
        Assert.Equal((Value(b), Value(a)), (Value(x), Value(y)));
    }

    private static void AssertMatchesBouncyCastle(byte[] scalar, byte[] u)
    {
        var ours = new byte[32];
        var theirs = new byte[32];

        bool isZero = Curve25519.ScalarMult(scalar, u, ours);
        BouncyX25519.ScalarMult(scalar, 0, u, 0, theirs, 0);

        Assert.Equal(theirs, ours);
        Assert.Equal(theirs.All(value => value == 0), isZero);
    }

    private static byte[] Mult(byte[] scalar, byte[] u)
    {
        var result = new byte[32];
        Curve25519.ScalarMult(scalar, u, result);
        return result;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    private static Field25519 RandomElement(Random random, int limbBits)
    {
        ulong Limb() => (ulong)random.NextInt64() & ((1UL << limbBits) - 1);
        return new Field25519
        {
            L0 = Limb(), L1 = Limb(), L2 = Limb(), L3 = Limb(), L4 = Limb(),
        };
    }

    private static Field25519 FromLimbs(ulong limb) =>
        new() { L0 = limb, L1 = limb, L2 = limb, L3 = limb, L4 = limb };

    private static Field25519 LooseFromValue(BigInteger value)
    {
        // The low four limbs take 51 bits each and the top limb keeps all the rest.
        BigInteger mask = (BigInteger.One << 51) - 1;
        return new Field25519
        {
            L0 = (ulong)(value & mask),
            L1 = (ulong)((value >> 51) & mask),
            L2 = (ulong)((value >> 102) & mask),
            L3 = (ulong)((value >> 153) & mask),
            L4 = (ulong)(value >> 204),
        };
    }

    private static BigInteger Value(in Field25519 a) =>
        a.L0 + ((BigInteger)a.L1 << 51) + ((BigInteger)a.L2 << 102)
        + ((BigInteger)a.L3 << 153) + ((BigInteger)a.L4 << 204);

    private static byte[] ToBytes(in Field25519 a)
    {
        var bytes = new byte[32];
        Field25519.ToBytes(a, bytes);
        return bytes;
    }

    /// <summary>The canonical encoding of value mod p, as outputs must be.</summary>
    private static byte[] Canonical(BigInteger value) => Raw(((value % P) + P) % P);

    /// <summary>The 32-byte little-endian encoding of a value below 2^256, unreduced.</summary>
    private static byte[] Raw(BigInteger value)
    {
        var bytes = new byte[32];
        Assert.True(value.TryWriteBytes(bytes, out _, isUnsigned: true));
        return bytes;
    }

    private static void AssertLimbsBelow(in Field25519 a, ulong bound)
    {
        Assert.True(a.L0 < bound && a.L1 < bound && a.L2 < bound, "limbs 0 to 2 too large");
        Assert.True(a.L3 < bound && a.L4 < bound, "limbs 3 and 4 too large");
    }
}
