using System.Numerics;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class NttTests
{
    public static TheoryData<int, int> Sizes => new()
    {
        { 16, 20 },
        { 16, 61 },
        { 64, 40 },
        { 64, 61 },
        { 1024, 50 },
        { 1024, 60 },
        { 32768, 61 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Inverse_AfterForward_RestoresCoefficients(int n, int bits)
    {
        NttTables tables = MakeTables(n, bits);
        var random = new Random(n + bits);
        ulong[] original = RandomPolynomial(random, tables);
        original[0] = tables.Modulus.Value - 1;
        original[^1] = 0;
        ulong[] values = (ulong[])original.Clone();

        Ntt.Forward(values, tables);
        Assert.All(values, v => Assert.True(v < tables.Modulus.Value));
        Ntt.Inverse(values, tables);

        Assert.Equal(original, values);
    }

    [Theory]
    [InlineData(16, 20)]
    [InlineData(16, 61)]
    [InlineData(64, 45)]
    [InlineData(64, 61)]
    [InlineData(1024, 60)]
    [InlineData(1024, 61)]
    public void PointwiseProduct_OfTransforms_IsSchoolbookNegacyclicProduct(int n, int bits)
    {
        NttTables tables = MakeTables(n, bits);
        Modulus modulus = tables.Modulus;
        var random = new Random(3 * n + bits);
        ulong[] a = RandomPolynomial(random, tables);
        ulong[] b = RandomPolynomial(random, tables);
        ulong[] expected = SchoolbookNegacyclic(a, b, modulus.Value);

        Ntt.Forward(a, tables);
        Ntt.Forward(b, tables);
        var product = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            product[i] = modulus.Multiply(a[i], b[i]);
        }

        Ntt.Inverse(product, tables);

        Assert.Equal(expected, product);
    }

    [Fact]
    public void Forward_OfX_TimesXToTheNMinusOne_IsMinusOne()
    {
        // X * X^(N-1) = X^N = -1 in Z_q[X]/(X^N + 1).
        NttTables tables = MakeTables(256, 55);
        Modulus modulus = tables.Modulus;
        var x = new ulong[256];
        var y = new ulong[256];
        x[1] = 1;
        y[255] = 1;

        Ntt.Forward(x, tables);
        Ntt.Forward(y, tables);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = modulus.Multiply(x[i], y[i]);
        }

        Ntt.Inverse(x, tables);

        var expected = new ulong[256];
        expected[0] = modulus.Value - 1;
        Assert.Equal(expected, x);
    }

    [Theory]
    [InlineData(64, 61)]
    [InlineData(4096, 60)]
    public void Forward_IsLinear(int n, int bits)
    {
        NttTables tables = MakeTables(n, bits);
        Modulus modulus = tables.Modulus;
        var random = new Random(n);
        ulong[] a = RandomPolynomial(random, tables);
        ulong[] b = RandomPolynomial(random, tables);
        ulong c = ModulusTests.RandomBelow(random, modulus.Value);
        ulong[] combined = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            combined[i] = modulus.Add(modulus.Multiply(c, a[i]), b[i]);
        }

        Ntt.Forward(a, tables);
        Ntt.Forward(b, tables);
        Ntt.Forward(combined, tables);

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(modulus.Add(modulus.Multiply(c, a[i]), b[i]), combined[i]);
        }
    }

    [Fact]
    public void Forward_ConstantPolynomial_IsConstantEverywhere()
    {
        NttTables tables = MakeTables(32, 30);
        var values = new ulong[32];
        values[0] = 12345;

        Ntt.Forward(values, tables);

        Assert.All(values, v => Assert.Equal(12345UL, v));
    }

    [Fact]
    public void Transforms_BadArguments_Throw()
    {
        NttTables tables = MakeTables(16, 30);
        ulong q = tables.Modulus.Value;

        Assert.Throws<ArgumentException>(() => Ntt.Forward(new ulong[32], tables));
        Assert.Throws<ArgumentException>(() => Ntt.Inverse(new ulong[8], tables));
        Assert.Throws<ArgumentNullException>(() => Ntt.Forward(new ulong[16], null!));

        var unreduced = new ulong[16];
        unreduced[5] = q;
        Assert.Throws<ArgumentException>(() => Ntt.Forward(unreduced, tables));
        unreduced[5] = ulong.MaxValue;
        Assert.Throws<ArgumentException>(() => Ntt.Inverse(unreduced, tables));
    }

    [Fact]
    public void Tables_BadRingDegreeOrModulus_Throw()
    {
        var modulus = new Modulus(NttPrimes.Generate(1024, 40, 1)[0]);

        Assert.Throws<ArgumentException>(() => new NttTables(1000, modulus));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(8, modulus));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(65536, modulus));
        Assert.Throws<ArgumentException>(() => new NttTables(2048, modulus));
        Assert.Throws<ArgumentNullException>(() => new NttTables(16, null!));
    }

    public static TheoryData<int, int> PathSizes
    {
        get
        {
            var data = new TheoryData<int, int>();
            foreach (int n in new[] { 16, 32, 64, 1024, 8192 })
            {
                foreach (int bits in new[] { 30, 50, 60, 61 })
                {
                    data.Add(n, bits);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PathSizes))]
    public void ScalarAndAvx2Paths_AgreeWithEachOther(int n, int bits)
    {
        NttTables tables = MakeTables(n, bits);
        ulong q = tables.Modulus.Value;
        var random = new Random(7 * n + bits);
        ulong[] original = RandomPolynomial(random, tables);

        // Extreme values exercise the lazy bounds: all q - 1 in one half, zeros elsewhere.
        original[0] = q - 1;
        original[n / 2] = q - 1;
        original[^1] = 0;
        ulong[] scalar = (ulong[])original.Clone();
        ulong[] vector = (ulong[])original.Clone();

        Ntt.ForwardCore(scalar, tables, avx2: false);
        Ntt.ForwardCore(vector, tables, avx2: true);
        Assert.Equal(scalar, vector);
        Assert.All(scalar, v => Assert.True(v < q));

        Ntt.InverseCore(scalar, tables, avx2: false);
        Ntt.InverseCore(vector, tables, avx2: true);
        Assert.Equal(original, scalar);
        Assert.Equal(original, vector);

        var top = new ulong[n];
        Array.Fill(top, q - 1);
        ulong[] topScalar = (ulong[])top.Clone();
        Ntt.ForwardCore(top, tables, avx2: true);
        Ntt.ForwardCore(topScalar, tables, avx2: false);
        Assert.Equal(topScalar, top);
        Ntt.InverseCore(top, tables, avx2: true);
        Ntt.InverseCore(topScalar, tables, avx2: false);
        Assert.All(top, v => Assert.Equal(q - 1, v));
        Assert.All(topScalar, v => Assert.Equal(q - 1, v));
    }

    [Theory]
    [MemberData(nameof(PathSizes))]
    public void BothPaths_PointwiseProduct_IsSchoolbookNegacyclicProduct(int n, int bits)
    {
        NttTables tables = MakeTables(n, bits);
        Modulus modulus = tables.Modulus;
        var random = new Random(11 * n + bits);
        ulong[] a = RandomPolynomial(random, tables);
        ulong[] b = RandomPolynomial(random, tables);
        a[0] = modulus.Value - 1;
        b[^1] = modulus.Value - 1;
        ulong[] expected = n <= 1024
            ? SchoolbookNegacyclic(a, b, modulus.Value)
            : SchoolbookNegacyclicUInt128(a, b, modulus.Value);

        foreach (bool avx2 in new[] { false, true })
        {
            ulong[] x = (ulong[])a.Clone();
            ulong[] y = (ulong[])b.Clone();
            Ntt.ForwardCore(x, tables, avx2);
            Ntt.ForwardCore(y, tables, avx2);
            var product = new ulong[n];
            for (int i = 0; i < n; i++)
            {
                product[i] = modulus.Multiply(x[i], y[i]);
            }

            Ntt.InverseCore(product, tables, avx2);

            Assert.Equal(expected, product);
        }
    }

    [Fact]
    public void Core_WrongLength_Throws()
    {
        NttTables tables = MakeTables(16, 30);

        // The core loops index without bounds checks, so a wrong length must be refused.
        foreach (bool avx2 in new[] { false, true })
        {
            Assert.Throws<ArgumentException>(
                () => Ntt.ForwardCore(new ulong[8], tables, avx2));
            Assert.Throws<ArgumentException>(
                () => Ntt.InverseCore(new ulong[32], tables, avx2));
        }
    }

    private static NttTables MakeTables(int n, int bits) =>
        new(n, new Modulus(NttPrimes.Generate(n, bits, 1)[0]));

    private static ulong[] RandomPolynomial(Random random, NttTables tables)
    {
        var values = new ulong[tables.RingDegree];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ModulusTests.RandomBelow(random, tables.Modulus.Value);
        }

        return values;
    }

    // The same product with modular UInt128 accumulation: BigInteger is too slow for
    // N = 8192 (67 million terms).
    private static ulong[] SchoolbookNegacyclicUInt128(ulong[] a, ulong[] b, ulong q)
    {
        int n = a.Length;
        var modulus = new Modulus(q);
        var sums = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                ulong term = modulus.Multiply(a[i], b[j]);
                int k = i + j;
                sums[k & (n - 1)] = k < n
                    ? modulus.Add(sums[k], term)
                    : modulus.Subtract(sums[k - n], term);
            }
        }

        return sums;
    }

    private static ulong[] SchoolbookNegacyclic(ulong[] a, ulong[] b, ulong q)
    {
        int n = a.Length;
        var sums = new BigInteger[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                BigInteger term = (BigInteger)a[i] * b[j];
                if (i + j < n)
                {
                    sums[i + j] += term;
                }
                else
                {
                    sums[i + j - n] -= term;
                }
            }
        }

        return sums.Select(s => (ulong)(((s % q) + q) % q)).ToArray();
    }
}
