using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class CkksEncryptionTests
{
    private const int N = 1024;

    // Worst case of e0 + e u + s e1 with |e| <= 21 and ternary u, s: a loose bound, since
    // division by the special prime leaves only a rounding term.
    private const long PublicKeyNoiseBound = 21 * ((2 * N) + 1);

    private static readonly CkksContext Context = CkksTestKit.SmallContext(N, 50, 50);

    [Fact]
    public void PublicKeyEncryption_Decrypts_WithinNoiseBound()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        CkksPublicKey publicKey = CkksPublicKey.Generate(secretKey);
        long[] message = CkksTestKit.RandomIntegers(new Random(1), N, 1L << 40);

        CkksCiphertext ciphertext = new CkksEncryptor(publicKey)
            .Encrypt(CkksTestKit.CoefficientPlaintext(Context, message));
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(ciphertext));

        long distance = CkksTestKit.MaxDistance(message, decrypted);
        Assert.True(distance <= PublicKeyNoiseBound, $"noise {distance}");
        Assert.True(distance > 0, "public-key encryption must add noise");
    }

    [Theory]
    [InlineData(new[] { 30, 30 }, 60)]
    [InlineData(new[] { 40 }, 20)]
    [InlineData(new[] { 61, 25 }, 61)]
    public void PublicKeyEncryption_AnySpecialPrimeSize_DividesTheNoiseAway(
        int[] chainBits, int specialBits)
    {
        // A special prime above the chain primes takes the general reduction path; any size
        // leaves only the rounding term, |e| <= 1 + N / 2 in the worst case and far less in
        // practice.
        var context = new CkksContext(
            CkksParameters.UnsafeCreateWithoutSecurityCheck(N, chainBits, specialBits));
        using CkksSecretKey secretKey = CkksSecretKey.Generate(context);
        CkksPublicKey publicKey = CkksPublicKey.Generate(secretKey);
        long[] message = CkksTestKit.RandomIntegers(new Random(specialBits), N, 1L << 18);

        CkksCiphertext ciphertext = new CkksEncryptor(publicKey)
            .Encrypt(CkksTestKit.CoefficientPlaintext(context, message));
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(ciphertext));

        long distance = CkksTestKit.MaxDistance(message, decrypted);
        long bound = specialBits >= 40 ? 200 : 200 + ((21L * ((2 * N) + 1)) >> (specialBits - 1));
        Assert.True(distance <= bound, $"noise {distance}");
    }

    [Fact]
    public void SecretKeyEncryption_Decrypts_WithinErrorAndKeepsSeedOfC1()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        long[] message = CkksTestKit.RandomIntegers(new Random(2), N, 1L << 40);

        CkksCiphertext ciphertext = new CkksEncryptor(secretKey)
            .EncryptSymmetric(CkksTestKit.CoefficientPlaintext(Context, message));
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(ciphertext));

        Assert.True(CkksTestKit.MaxDistance(message, decrypted) <= RingSampler.BinomialEta);
        Assert.Equal(CkksCiphertext.SeedSize, ciphertext.C1Seed.Length);
        RnsPolynomial expanded = RingSampler.ExpandUniform(Context, ciphertext.C1Seed);
        Assert.True(expanded.ContentEquals(ciphertext.C1));
    }

    [Fact]
    public void Encrypt_SameMessageTwice_GivesDifferentCiphertexts()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(CkksPublicKey.Generate(secretKey));
        CkksPlaintext plaintext = CkksTestKit.CoefficientPlaintext(Context, new long[N]);

        CkksCiphertext first = encryptor.Encrypt(plaintext);
        CkksCiphertext second = encryptor.Encrypt(plaintext);

        Assert.False(first.C0.ContentEquals(second.C0));
        Assert.False(first.C1.ContentEquals(second.C1));
    }

    [Fact]
    public void AddSubtractNegate_ActOnMessages()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(CkksPublicKey.Generate(secretKey));
        var decryptor = new CkksDecryptor(secretKey);
        var random = new Random(3);
        long[] a = CkksTestKit.RandomIntegers(random, N, 1L << 40);
        long[] b = CkksTestKit.RandomIntegers(random, N, 1L << 40);
        CkksCiphertext ca = encryptor.Encrypt(CkksTestKit.CoefficientPlaintext(Context, a));
        CkksCiphertext cb = encryptor.Encrypt(CkksTestKit.CoefficientPlaintext(Context, b));

        long[] sum = CkksTestKit.CentredCoefficients(decryptor.Decrypt(CkksEvaluator.Add(ca, cb)));
        long[] difference = CkksTestKit.CentredCoefficients(
            decryptor.Decrypt(CkksEvaluator.Subtract(ca, cb)));
        long[] negation = CkksTestKit.CentredCoefficients(
            decryptor.Decrypt(CkksEvaluator.Negate(ca)));

        Assert.True(CkksTestKit.MaxDistance(a.Zip(b, (x, y) => x + y).ToArray(), sum)
            <= 2 * PublicKeyNoiseBound);
        Assert.True(CkksTestKit.MaxDistance(a.Zip(b, (x, y) => x - y).ToArray(), difference)
            <= 2 * PublicKeyNoiseBound);
        Assert.True(CkksTestKit.MaxDistance(a.Select(x => -x).ToArray(), negation)
            <= PublicKeyNoiseBound);
    }

    [Fact]
    public void AddInPlace_ManyCiphertexts_DecryptsToTheSum()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(CkksPublicKey.Generate(secretKey));
        var random = new Random(4);
        var expected = new long[N];
        CkksCiphertext? aggregate = null;
        const int Count = 20;
        for (int c = 0; c < Count; c++)
        {
            long[] values = CkksTestKit.RandomIntegers(random, N, 1L << 30);
            CkksCiphertext ciphertext = encryptor.Encrypt(
                CkksTestKit.CoefficientPlaintext(Context, values));
            for (int j = 0; j < N; j++)
            {
                expected[j] += values[j];
            }

            if (aggregate is null)
            {
                aggregate = ciphertext;
            }
            else
            {
                CkksEvaluator.AddInPlace(aggregate, ciphertext);
            }
        }

        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(aggregate!));
        Assert.True(CkksTestKit.MaxDistance(expected, decrypted) <= Count * PublicKeyNoiseBound);
    }

    [Fact]
    public void MultiplyByInteger_ScalesTheMessageAndKeepsTheScale()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        long[] message = CkksTestKit.RandomIntegers(new Random(5), N, 1L << 30);
        CkksCiphertext ciphertext = new CkksEncryptor(secretKey)
            .EncryptSymmetric(CkksTestKit.CoefficientPlaintext(Context, message, scale: 4));

        CkksCiphertext product = CkksEvaluator.MultiplyByInteger(ciphertext, -7);
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(product));

        Assert.Equal(4, product.Scale);
        Assert.True(product.C1Seed.IsEmpty);
        Assert.True(CkksTestKit.MaxDistance(message.Select(x => -7 * x).ToArray(), decrypted)
            <= 7 * RingSampler.BinomialEta);
    }

    [Fact]
    public void MultiplyByScalar_MultipliesScales()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        long[] message = CkksTestKit.RandomIntegers(new Random(6), N, 1000);
        CkksCiphertext ciphertext = new CkksEncryptor(secretKey)
            .EncryptSymmetric(CkksTestKit.CoefficientPlaintext(Context, message, scale: 1024));

        CkksCiphertext product = CkksEvaluator.MultiplyByScalar(ciphertext, 0.25, 1 << 10);
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(product));

        Assert.Equal(1024.0 * 1024.0, product.Scale);
        Assert.True(CkksTestKit.MaxDistance(message.Select(x => 256 * x).ToArray(), decrypted)
            <= 256 * RingSampler.BinomialEta);
    }

    [Fact]
    public void MultiplyPlain_IsTheNegacyclicProduct()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var random = new Random(7);
        long[] message = CkksTestKit.RandomIntegers(random, N, 1000);
        var monomial = new long[N];
        monomial[1] = 3;
        CkksCiphertext ciphertext = new CkksEncryptor(secretKey)
            .EncryptSymmetric(CkksTestKit.CoefficientPlaintext(Context, message, scale: 2));

        CkksCiphertext product = CkksEvaluator.MultiplyPlain(
            ciphertext, CkksTestKit.CoefficientPlaintext(Context, monomial, scale: 3));
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(product));

        // 3 X m(X) mod X^N + 1: coefficients shift up by one and the top one wraps negated.
        var expected = new long[N];
        expected[0] = -3 * message[N - 1];
        for (int j = 1; j < N; j++)
        {
            expected[j] = 3 * message[j - 1];
        }

        Assert.Equal(6, product.Scale);
        Assert.True(CkksTestKit.MaxDistance(expected, decrypted) <= 3 * RingSampler.BinomialEta);
    }

    [Fact]
    public void AddPlain_AddsTheMessage()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var random = new Random(8);
        long[] a = CkksTestKit.RandomIntegers(random, N, 1L << 40);
        long[] b = CkksTestKit.RandomIntegers(random, N, 1L << 40);
        CkksCiphertext ciphertext = new CkksEncryptor(secretKey)
            .EncryptSymmetric(CkksTestKit.CoefficientPlaintext(Context, a));

        CkksCiphertext sum = CkksEvaluator.AddPlain(
            ciphertext, CkksTestKit.CoefficientPlaintext(Context, b));
        long[] decrypted = CkksTestKit.CentredCoefficients(
            new CkksDecryptor(secretKey).Decrypt(sum));

        Assert.True(CkksTestKit.MaxDistance(a.Zip(b, (x, y) => x + y).ToArray(), decrypted)
            <= RingSampler.BinomialEta);
    }

    [Fact]
    public void Add_MismatchedScaleEncodingOrParameters_IsRefused()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(secretKey);
        var zero = new long[N];
        CkksCiphertext plain = encryptor.EncryptSymmetric(
            CkksTestKit.CoefficientPlaintext(Context, zero, scale: 2));
        CkksCiphertext otherScale = encryptor.EncryptSymmetric(
            CkksTestKit.CoefficientPlaintext(Context, zero, scale: 4));
        var slotsPolynomial = new RnsPolynomial(Context, isNttForm: true);
        CkksCiphertext otherEncoding = encryptor.EncryptSymmetric(
            new CkksPlaintext(slotsPolynomial, 2, CkksEncoding.Slots));
        CkksContext otherContext = CkksTestKit.SmallContext(N, 50, 49);
        using CkksSecretKey otherKey = CkksSecretKey.Generate(otherContext);
        CkksCiphertext otherParameters = new CkksEncryptor(otherKey).EncryptSymmetric(
            CkksTestKit.CoefficientPlaintext(otherContext, zero, scale: 2));
        RnsPolynomial before = plain.C0.Clone();

        Assert.Throws<ArgumentException>(() => CkksEvaluator.AddInPlace(plain, otherScale));
        Assert.Throws<ArgumentException>(() => CkksEvaluator.AddInPlace(plain, otherEncoding));
        Assert.Throws<ArgumentException>(() => CkksEvaluator.AddInPlace(plain, otherParameters));
        Assert.Throws<ArgumentException>(
            () => new CkksEncryptor(secretKey).EncryptSymmetric(
                CkksTestKit.CoefficientPlaintext(otherContext, zero)));
        Assert.True(before.ContentEquals(plain.C0));
    }

    [Fact]
    public void Encryptor_WithoutTheNeededKey_Refuses()
    {
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        CkksPlaintext plaintext = CkksTestKit.CoefficientPlaintext(Context, new long[N]);

        Assert.Throws<InvalidOperationException>(
            () => new CkksEncryptor(secretKey).Encrypt(plaintext));
        Assert.Throws<InvalidOperationException>(
            () => new CkksEncryptor(CkksPublicKey.Generate(secretKey)).EncryptSymmetric(plaintext));
    }

    [Fact]
    public void SecretKey_IsTernaryAndClearedOnDispose()
    {
        CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        RnsPolynomial polynomial = secretKey.Polynomial;
        long[] coefficients = CkksTestKit.CentredCoefficients(
            new CkksPlaintext(polynomial.Clone(), 1, CkksEncoding.Coefficients));
        int[] counts = new int[3];
        foreach (long c in coefficients)
        {
            Assert.InRange(c, -1, 1);
            counts[c + 1]++;
        }

        // Each value has probability 1/3; 250 of 1024 is more than six standard deviations low.
        Assert.All(counts, count => Assert.True(count > 250, $"count {count}"));

        secretKey.Dispose();
        Assert.All(polynomial.AllResidues.ToArray(), value => Assert.Equal(0UL, value));
        Assert.Throws<ObjectDisposedException>(() => secretKey.Polynomial);
        Assert.DoesNotContain("0", secretKey.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CenteredBinomial_HasTheDocumentedSupportAndVariance()
    {
        const int Count = 200_000;
        var samples = new long[Count];
        using (var sampler = RingSampler.CreateRandom())
        {
            sampler.SampleCenteredBinomial(samples);
        }

        double mean = samples.Average();
        double variance = samples.Select(x => (x - mean) * (x - mean)).Sum() / (Count - 1);

        Assert.All(samples, x => Assert.InRange(x, -21, 21));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(variance, 10.3, 10.7);
        Assert.Equal(Math.Sqrt(10.5), RingSampler.ErrorStandardDeviation, 12);
    }

    [Fact]
    public void UniformSigned_CoversTheWholeRangeAndNoMore()
    {
        const int Count = 100_000;
        var samples = new long[Count];
        using (var sampler = RingSampler.CreateRandom())
        {
            sampler.SampleUniformSigned(samples, 3);
        }

        var counts = samples.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(-8, 16).Select(x => (long)x), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 5500, 7000));
    }

    [Fact]
    public void ExpandUniform_IsDeterministicPerSeedAndCanonical()
    {
        byte[] seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        byte[] otherSeed = (byte[])seed.Clone();
        otherSeed[0] ^= 1;

        RnsPolynomial first = RingSampler.ExpandUniform(Context, seed);
        RnsPolynomial again = RingSampler.ExpandUniform(Context, seed);
        RnsPolynomial other = RingSampler.ExpandUniform(Context, otherSeed);

        Assert.True(first.ContentEquals(again));
        Assert.False(first.ContentEquals(other));
        for (int i = 0; i < Context.ModulusCount; i++)
        {
            ulong q = Context.Parameters.Primes[i];
            Assert.All(first.Residues(i).ToArray(), v => Assert.True(v < q));
        }
    }
}
