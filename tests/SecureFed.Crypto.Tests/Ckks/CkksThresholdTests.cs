using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class CkksThresholdTests
{
    private const int N = 1024;

    // Flooding of one custodian is below 2^41 in magnitude, and every other error is far
    // smaller; 2^45 bounds the total for committees of a handful of custodians.
    private const long DecryptionErrorBound = 1L << 45;

    private static readonly CkksContext Context = CkksTestKit.SmallContext(N, 60, 60);

    [Fact]
    public void ThreeOfFive_EveryThreeSubset_Decrypts()
    {
        var committee = new CkksCommittee([2, 5, 9, 14, 40], threshold: 3);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        long[] message = CkksTestKit.RandomIntegers(new Random(11), N, 1L << 55);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey)
            .Encrypt(CkksTestKit.CoefficientPlaintext(Context, message));
        int[][] subsets = Subsets(committee.CustodianIds.ToArray(), 3).ToArray();

        Assert.Equal(10, subsets.Length);
        foreach (int[] subset in subsets)
        {
            // Each subset needs fresh custodians: a custodian answers once per ciphertext.
            CkksDecryptionShare[] shares = subset
                .Select(id => new CkksThresholdCustodian(Share(keyShares, id))
                    .CreateDecryptionShare(ciphertext, subset))
                .ToArray();

            long[] decrypted = CkksTestKit.CentredCoefficients(
                CkksThresholdDecryption.Combine(ciphertext, shares));

            long distance = CkksTestKit.MaxDistance(message, decrypted);
            Assert.True(distance < DecryptionErrorBound, $"subset {string.Join(",", subset)}");
        }
    }

    [Theory]
    [InlineData(new[] { 1, 2 }, 2)]
    [InlineData(new[] { 1, 2, 3 }, 1)]
    [InlineData(new[] { 4, 7, 8, 12 }, 2)]
    [InlineData(new[] { 4, 7, 8, 12 }, 4)]
    public void EverySubsetOfAtLeastT_Decrypts(int[] ids, int threshold)
    {
        var committee = new CkksCommittee(ids, threshold);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        long[] message = CkksTestKit.RandomIntegers(new Random(threshold), N, 1L << 50);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey)
            .Encrypt(CkksTestKit.CoefficientPlaintext(Context, message));

        for (int size = threshold; size <= ids.Length; size++)
        {
            foreach (int[] subset in Subsets(ids, size))
            {
                CkksDecryptionShare[] shares = subset
                    .Select(id => new CkksThresholdCustodian(Share(keyShares, id))
                        .CreateDecryptionShare(ciphertext, subset))
                    .ToArray();
                long[] decrypted = CkksTestKit.CentredCoefficients(
                    CkksThresholdDecryption.Combine(ciphertext, shares));
                Assert.True(CkksTestKit.MaxDistance(message, decrypted) < DecryptionErrorBound);
            }
        }
    }

    [Fact]
    public void FewerThanThreshold_CannotRequestOrCombine()
    {
        var committee = new CkksCommittee([1, 2, 3, 4, 5], threshold: 3);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        long[] message = CkksTestKit.RandomIntegers(new Random(12), N, 1L << 50);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey)
            .Encrypt(CkksTestKit.CoefficientPlaintext(Context, message));

        var lone = new CkksThresholdCustodian(Share(keyShares, 1));
        Assert.Throws<ArgumentException>(() => lone.CreateDecryptionShare(ciphertext, [1, 2]));

        int[] set = [1, 2, 3];
        CkksDecryptionShare[] twoOfThree = set[..2]
            .Select(id => new CkksThresholdCustodian(Share(keyShares, id))
                .CreateDecryptionShare(ciphertext, set))
            .ToArray();
        Assert.Throws<ArgumentException>(
            () => CkksThresholdDecryption.Combine(ciphertext, twoOfThree));
    }

    [Fact]
    public void TwoSharesWithoutTheThird_DecryptToNoise()
    {
        // Interpolating two shares as if they were a complete set gives a wrong secret: the
        // result is unrelated to the message.
        var committee = new CkksCommittee([1, 2, 3], threshold: 3);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        long[] message = new long[N];
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey)
            .Encrypt(CkksTestKit.CoefficientPlaintext(Context, message));
        int[] all = [1, 2, 3];
        CkksDecryptionShare[] shares = all
            .Select(id => new CkksThresholdCustodian(Share(keyShares, id))
                .CreateDecryptionShare(ciphertext, all))
            .ToArray();

        CkksPlaintext partial = new(
            ciphertext.C0.Clone(), ciphertext.Scale, ciphertext.Encoding);
        partial.Polynomial.AddInPlace(shares[0].Share);
        partial.Polynomial.AddInPlace(shares[1].Share);

        long[] decrypted = CkksTestKit.CentredCoefficients(partial);
        Assert.True(decrypted.Count(x => Math.Abs(x) > 1L << 50) > N / 2);
    }

    [Fact]
    public void Custodian_RefusesASecondShareForTheSameC1()
    {
        var committee = new CkksCommittee([1, 2, 3], threshold: 2);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        var encryptor = new CkksEncryptor(publicKey);
        CkksCiphertext ciphertext = encryptor.Encrypt(
            CkksTestKit.CoefficientPlaintext(Context, new long[N]));
        var custodian = new CkksThresholdCustodian(Share(keyShares, 1));

        custodian.CreateDecryptionShare(ciphertext, [1, 2]);

        // The same ciphertext again, for another set, or with c0 changed: all refused.
        Assert.Throws<InvalidOperationException>(
            () => custodian.CreateDecryptionShare(ciphertext, [1, 2]));
        Assert.Throws<InvalidOperationException>(
            () => custodian.CreateDecryptionShare(ciphertext, [1, 3]));
        CkksCiphertext otherC0 = CkksEvaluator.AddPlain(
            ciphertext, CkksTestKit.CoefficientPlaintext(Context, Enumerable.Repeat(5L, N).ToArray()));
        Assert.Throws<InvalidOperationException>(
            () => custodian.CreateDecryptionShare(otherC0, [1, 2]));

        // A different ciphertext is answered.
        CkksCiphertext fresh = encryptor.Encrypt(
            CkksTestKit.CoefficientPlaintext(Context, new long[N]));
        Assert.NotNull(custodian.CreateDecryptionShare(fresh, [1, 2]));
    }

    [Fact]
    public void Custodian_RefusesConcurrentRepeatsButOne()
    {
        var committee = new CkksCommittee([1, 2], threshold: 2);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey).Encrypt(
            CkksTestKit.CoefficientPlaintext(Context, new long[N]));
        var custodian = new CkksThresholdCustodian(Share(keyShares, 1));
        int answered = 0;
        int refused = 0;

        Parallel.For(0, 8, _ =>
        {
            try
            {
                custodian.CreateDecryptionShare(ciphertext, [1, 2]);
                Interlocked.Increment(ref answered);
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref refused);
            }
        });

        Assert.Equal(1, answered);
        Assert.Equal(7, refused);
    }

    [Fact]
    public void Combine_RejectsMismatchedShares()
    {
        var committee = new CkksCommittee([1, 2, 3], threshold: 2);
        (CkksPublicKey publicKey, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);
        var encryptor = new CkksEncryptor(publicKey);
        CkksCiphertext first = encryptor.Encrypt(
            CkksTestKit.CoefficientPlaintext(Context, new long[N]));
        CkksCiphertext second = encryptor.Encrypt(
            CkksTestKit.CoefficientPlaintext(Context, new long[N]));
        var custodians = keyShares.ToDictionary(
            s => s.CustodianId, s => new CkksThresholdCustodian(s));

        CkksDecryptionShare oneForFirst = custodians[1].CreateDecryptionShare(first, [1, 2]);
        CkksDecryptionShare twoForSecond = custodians[2].CreateDecryptionShare(second, [1, 2]);
        CkksDecryptionShare threeForFirstOtherSet =
            custodians[3].CreateDecryptionShare(first, [1, 3]);

        Assert.Throws<ArgumentException>(
            () => CkksThresholdDecryption.Combine(first, [oneForFirst, twoForSecond]));
        Assert.Throws<ArgumentException>(
            () => CkksThresholdDecryption.Combine(first, [oneForFirst, threeForFirstOtherSet]));
        Assert.Throws<ArgumentException>(
            () => CkksThresholdDecryption.Combine(first, [oneForFirst, oneForFirst]));
        Assert.Throws<ArgumentException>(() => CkksThresholdDecryption.Combine(first, []));
    }

    [Fact]
    public void KeyGeneration_MissingOrForeignShares_AreRefusedWithoutChangingState()
    {
        var committee = new CkksCommittee([1, 2, 3], threshold: 2);
        byte[] seed = new byte[32];
        var generations = committee.CustodianIds
            .Select(id => new CkksCustodianKeyGeneration(Context, committee, id, seed))
            .ToArray();
        var forOne = generations.ToDictionary(g => g.CustodianId, g => g.CreateSecretShareFor(1));

        var missing = new Dictionary<int, RnsPolynomial>(forOne);
        missing.Remove(3);
        Assert.Throws<ArgumentException>(() => generations[0].Complete(missing));

        var foreign = new Dictionary<int, RnsPolynomial>(forOne) { [4] = forOne[3] };
        Assert.Throws<ArgumentException>(() => generations[0].Complete(foreign));

        Assert.Throws<ArgumentException>(() => generations[0].CreateSecretShareFor(4));
        Assert.Throws<InvalidOperationException>(() => generations[0].CreateSecretShareFor(1));

        using CkksThresholdKeyShare keyShare = generations[0].Complete(forOne);
        Assert.Equal(1, keyShare.CustodianId);
        Assert.Throws<InvalidOperationException>(() => generations[0].Complete(forOne));
        Assert.DoesNotContain("0x", keyShare.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CollectiveKey_NeedsEveryCustodiansShare()
    {
        var committee = new CkksCommittee([1, 2, 3], threshold: 2);
        byte[] seed = new byte[32];
        var generations = committee.CustodianIds
            .Select(id => new CkksCustodianKeyGeneration(Context, committee, id, seed))
            .ToArray();
        var keyShares = generations.ToDictionary(g => g.CustodianId, g => g.PublicKeyShare);
        keyShares.Remove(2);

        Assert.Throws<ArgumentException>(
            () => CkksCollectivePublicKey.Combine(Context, committee, seed, keyShares));
    }

    [Fact]
    public void Flooding_DefaultsTo2To41AndRefusesLess()
    {
        var committee = new CkksCommittee([1], threshold: 1);
        (_, CkksThresholdKeyShare[] keyShares) = GenerateKeys(committee);

        var custodian = new CkksThresholdCustodian(keyShares[0]);

        Assert.Equal(41, custodian.FloodingBits);
        Assert.True(custodian.FloodingStandardDeviation >= Math.ScaleB(1, 40));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new CkksThresholdCustodian(keyShares[0], floodingBits: 40));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new CkksThresholdCustodian(keyShares[0], floodingBits: 62));
    }

    [Fact]
    public void Committee_ValidatesIdsAndThreshold()
    {
        Assert.Throws<ArgumentException>(() => new CkksCommittee([], 1));
        Assert.Throws<ArgumentException>(() => new CkksCommittee([1, 1], 1));
        Assert.Throws<ArgumentException>(() => new CkksCommittee([0, 1], 1));
        Assert.Throws<ArgumentException>(() => new CkksCommittee([1, 65536], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksCommittee([1, 2], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CkksCommittee([1, 2], 0));
    }

    /// <summary>Runs the whole key generation among the committee, in memory.</summary>
    internal static (CkksPublicKey PublicKey, CkksThresholdKeyShare[] KeyShares) GenerateKeys(
        CkksCommittee committee, CkksContext? context = null)
    {
        context ??= Context;
        byte[] seed = new byte[32];
        new Random(committee.Size).NextBytes(seed);
        CkksCustodianKeyGeneration[] generations = committee.CustodianIds
            .Select(id => new CkksCustodianKeyGeneration(context, committee, id, seed))
            .ToArray();
        CkksPublicKey publicKey = CkksCollectivePublicKey.Combine(
            context, committee, seed,
            generations.ToDictionary(g => g.CustodianId, g => g.PublicKeyShare));

        var inbox = committee.CustodianIds.ToDictionary(
            id => id, _ => new Dictionary<int, RnsPolynomial>());
        foreach (CkksCustodianKeyGeneration sender in generations)
        {
            foreach (int recipient in committee.CustodianIds)
            {
                inbox[recipient][sender.CustodianId] = sender.CreateSecretShareFor(recipient);
            }
        }

        CkksThresholdKeyShare[] keyShares = generations
            .Select(g => g.Complete(inbox[g.CustodianId]))
            .ToArray();
        foreach (CkksCustodianKeyGeneration generation in generations)
        {
            generation.Dispose();
        }

        return (publicKey, keyShares);
    }

    internal static IEnumerable<int[]> Subsets(int[] items, int size)
    {
        if (size == 0)
        {
            yield return [];
            yield break;
        }

        for (int i = 0; i <= items.Length - size; i++)
        {
            foreach (int[] rest in Subsets(items[(i + 1)..], size - 1))
            {
                yield return [items[i], .. rest];
            }
        }
    }

    private static CkksThresholdKeyShare Share(CkksThresholdKeyShare[] shares, int id) =>
        shares.Single(s => s.CustodianId == id);
}
