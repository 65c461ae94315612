using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

/// <summary>The engine as HE mode uses it, at production parameters.</summary>
public class CkksEndToEndTests
{
    private static readonly CkksContext Context =
        new(CkksParameters.CreateDefault(8192));

    [Fact]
    public void PublicKeyEncryption_AtN8192Scale2To40_KeepsAtLeast28BitsOfPrecision()
    {
        var encoder = new CkksEncoder(Context);
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(CkksPublicKey.Generate(secretKey));
        var decryptor = new CkksDecryptor(secretKey);
        var random = new Random(28);
        double[] values = Enumerable.Range(0, encoder.SlotCount)
            .Select(_ => (2 * random.NextDouble()) - 1)
            .ToArray();

        CkksCiphertext ciphertext = encryptor.Encrypt(encoder.Encode(values, 1L << 40));
        double[] decoded = encoder.Decode(decryptor.Decrypt(ciphertext));

        double meanBits = values.Zip(decoded, (x, y) => -Math.Log2(Math.Abs(x - y))).Average();
        Assert.True(meanBits >= 28, $"mean precision {meanBits:F2} bits");
    }

    [Fact]
    public void SecretKeyEncryption_AtN8192Scale2To40_KeepsAtLeast28BitsOfPrecision()
    {
        var encoder = new CkksEncoder(Context);
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var random = new Random(29);
        double[] values = Enumerable.Range(0, encoder.SlotCount)
            .Select(_ => (2 * random.NextDouble()) - 1)
            .ToArray();

        CkksCiphertext ciphertext = new CkksEncryptor(secretKey)
            .EncryptSymmetric(encoder.Encode(values, 1L << 40));
        double[] decoded = encoder.Decode(new CkksDecryptor(secretKey).Decrypt(ciphertext));

        double meanBits = values.Zip(decoded, (x, y) => -Math.Log2(Math.Abs(x - y))).Average();
        Assert.True(meanBits >= 28, $"mean precision {meanBits:F2} bits");
    }

    [Fact]
    public void SlotProductByPlaintext_MultipliesSlotBySlot()
    {
        var encoder = new CkksEncoder(Context);
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(CkksPublicKey.Generate(secretKey));
        var random = new Random(30);
        double[] x = Enumerable.Range(0, encoder.SlotCount)
            .Select(_ => (2 * random.NextDouble()) - 1).ToArray();
        double[] w = Enumerable.Range(0, encoder.SlotCount)
            .Select(_ => (2 * random.NextDouble()) - 1).ToArray();

        CkksCiphertext product = CkksEvaluator.MultiplyPlain(
            encryptor.Encrypt(encoder.Encode(x, 1L << 40)), encoder.Encode(w, 1L << 40));
        double[] decoded = encoder.Decode(new CkksDecryptor(secretKey).Decrypt(product));

        Assert.Equal(Math.ScaleB(1, 80), product.Scale);
        for (int j = 0; j < x.Length; j++)
        {
            Assert.True(Math.Abs((x[j] * w[j]) - decoded[j]) < 1e-6, $"slot {j}");
        }
    }

    [Fact]
    public void AverageByScalar_OfManyEncryptedVectors_IsTheMean()
    {
        var encoder = new CkksEncoder(Context);
        using CkksSecretKey secretKey = CkksSecretKey.Generate(Context);
        var encryptor = new CkksEncryptor(CkksPublicKey.Generate(secretKey));
        var random = new Random(31);
        const int Clients = 10;
        var mean = new double[encoder.SlotCount];
        CkksCiphertext? sum = null;
        for (int c = 0; c < Clients; c++)
        {
            double[] values = Enumerable.Range(0, encoder.SlotCount)
                .Select(_ => (2 * random.NextDouble()) - 1).ToArray();
            for (int j = 0; j < values.Length; j++)
            {
                mean[j] += values[j] / Clients;
            }

            CkksCiphertext ciphertext = encryptor.Encrypt(encoder.Encode(values, 1L << 40));
            sum = sum is null ? ciphertext : CkksEvaluator.Add(sum, ciphertext);
        }

        CkksCiphertext average = CkksEvaluator.MultiplyByScalar(sum!, 1.0 / Clients, 1L << 30);
        double[] decoded = encoder.Decode(new CkksDecryptor(secretKey).Decrypt(average));

        for (int j = 0; j < mean.Length; j++)
        {
            Assert.True(Math.Abs(mean[j] - decoded[j]) < 1e-7, $"slot {j}");
        }
    }

    [Fact]
    public void ThresholdSum_OfThousandClients20BitIntegers_AtScale2To80_IsExact()
    {
        // N = 8192, scale 2^80, 20-bit integers from 1000 clients, 3 of 5 custodians: the
        // rounded decryption must be the integer sum, every coefficient.
        const int Clients = 1000;
        var encoder = new CkksEncoder(Context);
        var committee = new CkksCommittee([1, 2, 3, 4, 5], threshold: 3);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) =
            CkksThresholdTests.GenerateKeys(committee, Context);
        var encryptor = new CkksEncryptor(publicKey);
        double scale = Math.ScaleB(1, 80);
        var random = new Random(1000);
        int n = Context.RingDegree;
        var expected = new long[n];
        var input = new long[n];
        CkksCiphertext? aggregate = null;

        for (int c = 0; c < Clients; c++)
        {
            for (int j = 0; j < n; j++)
            {
                input[j] = random.NextInt64(-(1L << 19), 1L << 19);
                expected[j] += input[j];
            }

            CkksCiphertext contribution = encryptor.Encrypt(encoder.EncodeCoefficients(input, scale));
            if (aggregate is null)
            {
                aggregate = contribution;
            }
            else
            {
                CkksEvaluator.AddInPlace(aggregate, contribution);
            }
        }

        int[] participants = [2, 4, 5];
        CkksDecryptionShare[] shares = participants
            .Select(id => new CkksThresholdCustodian(keyShares.Single(s => s.CustodianId == id))
                .CreateDecryptionShare(aggregate!, participants))
            .ToArray();
        long[] decrypted = encoder.DecodeCoefficientsToIntegers(
            CkksThresholdDecryption.Combine(aggregate!, shares));

        Assert.Equal(expected, decrypted);
        Assert.Contains(expected, x => Math.Abs(x) > 1L << 24);
    }
}
