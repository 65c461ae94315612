using System.Globalization;
using System.Numerics;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class CkksEncoderTests
{
    private static readonly Lazy<CkksEncoder> Default8192 =
        new(() => new CkksEncoder(new CkksContext(CkksParameters.Create(8192, [60, 60, 60]))));

    [Theory]
    [InlineData(16, new[] { 40 }, 20)]
    [InlineData(64, new[] { 50, 50 }, 30)]
    [InlineData(1024, new[] { 60, 40 }, 40)]
    [InlineData(2048, new[] { 30, 30, 30 }, 40)]
    public void Encode_RandomSlots_DecodeWithinBound(int n, int[] bits, int logScale)
    {
        var encoder = MakeEncoder(n, bits);
        var random = new Random(n + logScale);
        double[] values = RandomValues(random, encoder.SlotCount, 10);
        double scale = Math.ScaleB(1, logScale);

        CkksPlaintext plaintext = encoder.Encode(values, scale);
        double[] decoded = encoder.Decode(plaintext);

        Assert.Equal(CkksEncoding.Slots, plaintext.Encoding);
        Assert.True(plaintext.Polynomial.IsNttForm);
        Assert.Equal(scale, plaintext.Scale);
        Assert.Equal(encoder.SlotCount, decoded.Length);

        // Rounding moves each of the N coefficients by at most 1/2 before the division by
        // the scale, and each slot is a sum of N such errors times roots of unity.
        double bound = n / 2.0 / scale;
        Assert.True(MaxError(values, decoded) <= bound);
    }

    [Fact]
    public void Encode_RandomSlotsAtProductionSize_DecodeWellBelowTwoToMinus25()
    {
        CkksEncoder encoder = Default8192.Value;
        var random = new Random(8192);
        double[] values = RandomValues(random, encoder.SlotCount, 1000);

        double[] decoded = encoder.Decode(encoder.Encode(values, Math.ScaleB(1, 40)));

        Assert.True(MaxError(values, decoded) < Math.ScaleB(1, -30));
    }

    [Fact]
    public void Encode_ComplexSlots_DecodeComplexWithinBound()
    {
        var encoder = MakeEncoder(1024, [60, 60]);
        var random = new Random(7);
        var values = new Complex[encoder.SlotCount];
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = new Complex((random.NextDouble() * 2) - 1, (random.NextDouble() * 2) - 1);
        }

        Complex[] decoded = encoder.DecodeComplex(encoder.Encode(values, Math.ScaleB(1, 40)));

        Assert.Equal(values.Length, decoded.Length);
        for (int j = 0; j < values.Length; j++)
        {
            Assert.True(Complex.Abs(values[j] - decoded[j]) < Math.ScaleB(1, -28));
        }
    }

    [Fact]
    public void Encode_Slots_MatchCanonicalEmbeddingAtPowersOfFive()
    {
        // The coefficients, evaluated directly at zeta^(5^j), give back the slot values.
        const int n = 64;
        var encoder = MakeEncoder(n, [50, 50]);
        var random = new Random(11);
        var values = new Complex[n / 2];
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = new Complex(random.NextDouble(), random.NextDouble());
        }

        double scale = Math.ScaleB(1, 40);
        CkksPlaintext plaintext = encoder.Encode(values, scale);
        var asCoefficients = new CkksPlaintext(
            plaintext.Polynomial, scale, CkksEncoding.Coefficients);
        double[] coefficients = encoder.DecodeCoefficients(asCoefficients);

        long rotation = 1;
        for (int j = 0; j < values.Length; j++)
        {
            Complex sum = Complex.Zero;
            for (int k = 0; k < n; k++)
            {
                double angle = Math.PI * (rotation * k % (2 * n)) / n;
                sum += coefficients[k] * Complex.FromPolarCoordinates(1, angle);
            }

            Assert.True(Complex.Abs(sum - values[j]) < 1e-9);
            rotation = rotation * 5 % (2 * n);
        }
    }

    [Fact]
    public void Encode_FewerValues_LeavesOtherSlotsZero()
    {
        var encoder = MakeEncoder(256, [50, 50]);
        double[] values = [1.5, -2.25, 3];

        double[] decoded = encoder.Decode(encoder.Encode(values, Math.ScaleB(1, 40)));

        Assert.True(MaxError([.. values, .. new double[encoder.SlotCount - 3]], decoded) < 1e-9);
    }

    [Fact]
    public void Encode_ScaleTwoToEightyOverThreePrimes_RoundTrips()
    {
        CkksEncoder encoder = Default8192.Value;
        var random = new Random(80);
        double[] values = RandomValues(random, encoder.SlotCount, 1 << 20);

        double[] decoded = encoder.Decode(encoder.Encode(values, Math.ScaleB(1, 80)));

        // Only double precision limits the round trip at this scale.
        Assert.True(MaxError(values, decoded) < 1e-8);
    }

    [Fact]
    public void Encode_ScaleTwoToEighty_SpreadsCoefficientsOverSeveralPrimes()
    {
        // A scaled coefficient above every single prime must be reduced exactly into each.
        var encoder = MakeEncoder(64, [60, 60, 60]);
        double scale = Math.ScaleB(1, 80);
        double[] values = [12345.678, -0.001];

        CkksPlaintext plaintext = encoder.EncodeCoefficients(values, scale);
        double[] decoded = encoder.DecodeCoefficients(plaintext);

        Assert.Equal(values[0], decoded[0], 1e-12);
        Assert.Equal(values[1], decoded[1], 1e-15);
        Assert.All(decoded[2..], v => Assert.Equal(0.0, v));
    }

    [Theory]
    [InlineData(20, 1.0)]
    [InlineData(20, 1099511627776.0)] // 2^40
    [InlineData(40, 1099511627776.0)]
    [InlineData(40, 1208925819614629174706176.0)] // 2^80
    [InlineData(40, 12345.5)]
    [InlineData(20, 3.141592653589793)]
    public void EncodeCoefficients_RandomIntegers_DecodeExactly(int bits, double scale)
    {
        CkksEncoder encoder = Default8192.Value;
        var random = new Random(bits);
        var values = new long[encoder.Context.RingDegree];
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = random.NextInt64(-(1L << bits) + 1, 1L << bits);
        }

        values[0] = (1L << bits) - 1;
        values[1] = -(1L << bits) + 1;
        values[2] = 0;

        CkksPlaintext plaintext = encoder.EncodeCoefficients(values, scale);
        long[] decoded = encoder.DecodeCoefficientsToIntegers(plaintext);

        Assert.Equal(CkksEncoding.Coefficients, plaintext.Encoding);
        Assert.Equal(values, decoded);

        double[] reals = encoder.DecodeCoefficients(plaintext);
        // round(v * scale) / scale is within 1/(2 scale) of v, plus the rounding of x to a
        // double once it passes 2^53.
        double bound = (0.5 / scale) + Math.ScaleB(1, bits - 51);
        Assert.True(MaxError(values.Select(v => (double)v).ToArray(), reals) <= bound);
    }

    [Fact]
    public void EncodeCoefficients_FractionalScale_RoundsHalfAwayFromZero()
    {
        var encoder = MakeEncoder(16, [50]);
        long[] values = [1, -1, 3, -3];

        CkksPlaintext plaintext = encoder.EncodeCoefficients(values, 1.5);
        var unscaled = new CkksPlaintext(plaintext.Polynomial, 1, CkksEncoding.Coefficients);

        long[] raw = encoder.DecodeCoefficientsToIntegers(unscaled);
        Assert.Equal(new long[] { 2, -2, 5, -5 }, raw[..4]);
    }

    [Fact]
    public void EncodeCoefficients_Doubles_DecodeWithinHalfOverScale()
    {
        var encoder = MakeEncoder(1024, [60, 60]);
        var random = new Random(5);
        double[] values = RandomValues(random, 1024, 1e6);
        double scale = Math.ScaleB(1, 50);

        double[] decoded = encoder.DecodeCoefficients(encoder.EncodeCoefficients(values, scale));

        Assert.True(MaxError(values, decoded) <= 1e6 * Math.ScaleB(1, -52) + (0.5 / scale));
    }

    [Fact]
    public void Encode_AddedPolynomials_DecodeToSum()
    {
        var encoder = MakeEncoder(1024, [60, 60, 60]);
        var random = new Random(21);
        double[] a = RandomValues(random, encoder.SlotCount, 100);
        double[] b = RandomValues(random, encoder.SlotCount, 100);
        double scale = Math.ScaleB(1, 40);
        CkksPlaintext x = encoder.Encode(a, scale);
        CkksPlaintext y = encoder.Encode(b, scale);

        x.Polynomial.AddInPlace(y.Polynomial);
        double[] decoded = encoder.Decode(x);

        double[] expected = a.Zip(b, (u, v) => u + v).ToArray();
        Assert.True(MaxError(expected, decoded) < Math.ScaleB(1, -28));
    }

    [Fact]
    public void EncodeCoefficients_AddedPolynomials_DecodeToExactSum()
    {
        CkksEncoder encoder = Default8192.Value;
        var random = new Random(22);
        long[] a = Enumerable.Range(0, 8192).Select(_ => random.NextInt64(-1 << 30, 1 << 30))
            .ToArray();
        long[] b = Enumerable.Range(0, 8192).Select(_ => random.NextInt64(-1 << 30, 1 << 30))
            .ToArray();
        double scale = Math.ScaleB(1, 80);
        CkksPlaintext x = encoder.EncodeCoefficients(a, scale);

        x.Polynomial.AddInPlace(encoder.EncodeCoefficients(b, scale).Polynomial);

        Assert.Equal(a.Zip(b, (u, v) => u + v), encoder.DecodeCoefficientsToIntegers(x));
    }

    [Fact]
    public void Encode_MultipliedPolynomials_DecodeToSlotwiseProductAtSquaredScale()
    {
        CkksEncoder encoder = Default8192.Value;
        var random = new Random(23);
        double[] a = RandomValues(random, encoder.SlotCount, 10);
        double[] b = RandomValues(random, encoder.SlotCount, 10);
        double scale = Math.ScaleB(1, 40);
        CkksPlaintext x = encoder.Encode(a, scale);
        CkksPlaintext y = encoder.Encode(b, scale);

        x.Polynomial.MultiplyInPlace(y.Polynomial);
        var product = new CkksPlaintext(x.Polynomial, scale * scale, CkksEncoding.Slots);
        double[] decoded = encoder.Decode(product);

        double[] expected = a.Zip(b, (u, v) => u * v).ToArray();
        Assert.True(MaxError(expected, decoded) < Math.ScaleB(1, -25));
    }

    [Fact]
    public void Encode_SameValuesTwice_GivesIdenticalPolynomials()
    {
        var encoder = MakeEncoder(1024, [60, 60]);
        double[] values = RandomValues(new Random(3), encoder.SlotCount, 5);

        CkksPlaintext first = encoder.Encode(values, Math.ScaleB(1, 40));
        CkksPlaintext second = encoder.Encode(values, Math.ScaleB(1, 40));

        Assert.True(first.Polynomial.ContentEquals(second.Polynomial));
    }

    [Fact]
    public void Decode_DoesNotModifyThePlaintext()
    {
        var encoder = MakeEncoder(256, [50, 50]);
        CkksPlaintext plaintext = encoder.Encode(
            RandomValues(new Random(4), encoder.SlotCount, 5), Math.ScaleB(1, 30));
        RnsPolynomial before = plaintext.Polynomial.Clone();

        _ = encoder.Decode(plaintext);
        _ = encoder.DecodeComplex(plaintext);

        Assert.True(plaintext.Polynomial.IsNttForm);
        Assert.True(before.ContentEquals(plaintext.Polynomial));
    }

    [Fact]
    public void Encode_TooManyValues_Throws()
    {
        var encoder = MakeEncoder(64, [50]);

        Assert.Throws<ArgumentException>(() => encoder.Encode(new double[33], 1 << 20));
        Assert.Throws<ArgumentException>(() => encoder.Encode(new Complex[33], 1 << 20));
        Assert.Throws<ArgumentException>(
            () => encoder.EncodeCoefficients(new long[65], 1 << 20));
        Assert.Throws<ArgumentException>(
            () => encoder.EncodeCoefficients(new double[65], 1 << 20));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Encode_NonFiniteValue_Throws(double bad)
    {
        var encoder = MakeEncoder(64, [50]);

        Assert.Throws<ArgumentException>(() => encoder.Encode([1, bad], 1 << 20));
        Assert.Throws<ArgumentException>(
            () => encoder.Encode([new Complex(1, bad)], 1 << 20));
        Assert.Throws<ArgumentException>(() => encoder.EncodeCoefficients([bad], 1 << 20));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.0)]
    [InlineData(-4.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Encode_InvalidScale_Throws(double scale)
    {
        var encoder = MakeEncoder(64, [50]);

        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode([1.0], scale));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => encoder.Encode([Complex.One], scale));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => encoder.EncodeCoefficients([1L], scale));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => encoder.EncodeCoefficients([1.0], scale));
    }

    [Fact]
    public void Encode_ValueThatWouldWrapModulus_Throws()
    {
        // One 40-bit prime: Q/2 is about 2^39.
        var encoder = MakeEncoder(64, [40]);
        double scale = Math.ScaleB(1, 30);

        Assert.Throws<ArgumentException>(
            () => encoder.Encode(Enumerable.Repeat(1024.0, 32).ToArray(), scale));
        Assert.Throws<ArgumentException>(() => encoder.EncodeCoefficients([1024.0], scale));
        Assert.Throws<ArgumentException>(() => encoder.EncodeCoefficients([-1024L], scale));
        Assert.Throws<ArgumentException>(
            () => encoder.EncodeCoefficients([long.MaxValue], Math.ScaleB(1, 900)));
        _ = encoder.EncodeCoefficients([255L], scale);
    }

    [Fact]
    public void EncodeCoefficients_ExactlyHalfModulus_IsTheLastValueAccepted()
    {
        var encoder = MakeEncoder(16, [40]);
        long half = (long)((encoder.Context.Parameters.Primes[0] - 1) / 2);

        CkksPlaintext plaintext = encoder.EncodeCoefficients([half, -half], 1);

        Assert.Equal(new[] { half, -half }, encoder.DecodeCoefficientsToIntegers(plaintext)[..2]);
        Assert.Throws<ArgumentException>(() => encoder.EncodeCoefficients([half + 1], 1));
        Assert.Throws<ArgumentException>(() => encoder.EncodeCoefficients([-half - 1], 1));
    }

    [Fact]
    public void Decode_WrongEncoding_Throws()
    {
        var encoder = MakeEncoder(64, [50]);
        CkksPlaintext slots = encoder.Encode([1.0], 1 << 20);
        CkksPlaintext coefficients = encoder.EncodeCoefficients([1L], 1 << 20);

        Assert.Throws<ArgumentException>(() => encoder.Decode(coefficients));
        Assert.Throws<ArgumentException>(() => encoder.DecodeComplex(coefficients));
        Assert.Throws<ArgumentException>(() => encoder.DecodeCoefficients(slots));
        Assert.Throws<ArgumentException>(() => encoder.DecodeCoefficientsToIntegers(slots));
    }

    [Fact]
    public void Decode_PlaintextOfOtherParameters_Throws()
    {
        var encoder = MakeEncoder(64, [50]);
        var other = MakeEncoder(64, [40]);
        CkksPlaintext slots = other.Encode([1.0], 1 << 20);
        CkksPlaintext coefficients = other.EncodeCoefficients([1L], 1 << 20);

        Assert.Throws<ArgumentException>(() => encoder.Decode(slots));
        Assert.Throws<ArgumentException>(() => encoder.DecodeComplex(slots));
        Assert.Throws<ArgumentException>(() => encoder.DecodeCoefficients(coefficients));
        Assert.Throws<ArgumentException>(
            () => encoder.DecodeCoefficientsToIntegers(coefficients));
        Assert.Throws<ArgumentNullException>(() => encoder.Decode(null!));
    }

    [Fact]
    public void DecodeCoefficientsToIntegers_BeyondTwoToFifty_ThrowsOverflow()
    {
        CkksEncoder encoder = Default8192.Value;
        CkksPlaintext plaintext = encoder.EncodeCoefficients([1L << 51], 1);

        Assert.Throws<OverflowException>(() => encoder.DecodeCoefficientsToIntegers(plaintext));
        Assert.Equal(Math.ScaleB(1, 51), encoder.DecodeCoefficients(plaintext)[0]);
    }

    [Fact]
    public void Constructor_NullContext_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new CkksEncoder(null!));

    [Fact]
    public void SlotCount_IsHalfTheRingDegree()
    {
        var encoder = MakeEncoder(128, [50]);

        Assert.Equal(64, encoder.SlotCount);
        Assert.Equal(128, encoder.Context.RingDegree);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(63)]
    public void RnsComposer_RandomCentredIntegers_ComposeExactly(int primeCount)
    {
        var parameters = CkksParameters.UnsafeCreateWithoutSecurityCheck(
            16, Enumerable.Repeat(61, primeCount).ToArray());
        var context = new CkksContext(parameters);
        var composer = new RnsComposer(context);
        BigInteger modulus = composer.ModulusValue;
        var random = new Random(primeCount);
        var polynomial = new RnsPolynomial(context, isNttForm: false);
        var expected = new BigInteger[16];
        for (int j = 0; j < 16; j++)
        {
            // Magnitudes of every size, up to the edges of (-Q/2, Q/2).
            var bytes = new byte[(int)(modulus.GetBitLength() / 8) + 1];
            random.NextBytes(bytes);
            BigInteger x = new BigInteger(bytes, isUnsigned: true) % ((modulus + 1) / 2);
            x >>= random.Next((int)modulus.GetBitLength());
            x = j switch
            {
                0 => BigInteger.Zero,
                1 => (modulus - 1) / 2,
                2 => -(modulus - 1) / 2,
                3 => BigInteger.One,
                4 => BigInteger.MinusOne,
                _ => j % 2 == 0 ? x : -x,
            };
            expected[j] = x;
            for (int i = 0; i < primeCount; i++)
            {
                ulong q = parameters.Primes[i];
                polynomial.Residues(i)[j] = (ulong)(((x % q) + q) % q);
            }
        }

        var destination = new double[16];
        composer.ComposeToDouble(polynomial, destination);

        // double.Parse rounds correctly; the BigInteger conversion need not.
        for (int j = 0; j < 16; j++)
        {
            double reference = double.Parse(
                expected[j].ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            Assert.Equal(reference, destination[j]);

            var residues = new ulong[primeCount];
            for (int i = 0; i < primeCount; i++)
            {
                residues[i] = polynomial.Residues(i)[j];
            }

            var magnitude = new ulong[composer.LimbCount];
            bool negative = composer.ComposeCentred(residues, magnitude);
            var bytes = new byte[8 * magnitude.Length];
            for (int l = 0; l < magnitude.Length; l++)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(8 * l), magnitude[l]);
            }

            BigInteger composed = new(bytes, isUnsigned: true);
            Assert.Equal(expected[j], negative ? -composed : composed);
        }
    }

    [Fact]
    public void RnsComposer_ToDouble_RoundsToNearest()
    {
        // 2^64 + 2^11 + 1 lies just above the tie between two doubles, 2^64 + 2^12 away.
        ulong[] limbs = [(1UL << 11) + 1, 1];

        Assert.Equal(Math.ScaleB(1, 64) + Math.ScaleB(1, 12), RnsComposer.ToDouble(limbs));
        Assert.Equal(Math.ScaleB(1, 64), RnsComposer.ToDouble([1UL << 11, 1]));
        Assert.Equal(0.0, RnsComposer.ToDouble([0UL, 0UL]));
    }

    private static CkksEncoder MakeEncoder(int n, int[] bits) =>
        new(new CkksContext(CkksParameters.UnsafeCreateWithoutSecurityCheck(n, bits)));

    private static double[] RandomValues(Random random, int count, double magnitude)
    {
        var values = new double[count];
        for (int j = 0; j < count; j++)
        {
            values[j] = ((random.NextDouble() * 2) - 1) * magnitude;
        }

        return values;
    }

    private static double MaxError(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int j = 0; j < expected.Length; j++)
        {
            max = Math.Max(max, Math.Abs(expected[j] - actual[j]));
        }

        return max;
    }
}
