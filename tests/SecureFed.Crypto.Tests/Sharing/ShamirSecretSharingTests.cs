using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using SecureFed.Crypto.Sharing;

namespace SecureFed.Crypto.Tests.Sharing;

public class ShamirSecretSharingTests
{
    private const ulong P = Mersenne61.Modulus;

    public static TheoryData<string> SecretKinds => new() { "zero", "ones", "random" };

    [Theory]
    [InlineData(6, 3, "zero")]
    [InlineData(6, 3, "ones")]
    [InlineData(6, 3, "random")]
    [InlineData(5, 5, "zero")]
    [InlineData(5, 5, "ones")]
    [InlineData(5, 5, "random")]
    [InlineData(7, 2, "random")]
    [InlineData(4, 1, "random")]
    public void Combine_EveryThresholdSubset_ReturnsSecret(int holders, int threshold, string kind)
    {
        byte[] secret = MakeSecret(kind, seed: holders * 100 + threshold);
        uint[] ids = DistinctIds(new Random(holders), holders);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, threshold, ids);

        int subsets = 0;
        foreach (int[] subset in Subsets(holders, threshold))
        {
            var chosen = subset.Select(i => shares[i]).ToArray();
            Assert.Equal(secret, Combine(chosen, threshold));
            Array.Reverse(chosen);
            Assert.Equal(secret, Combine(chosen, threshold));
            subsets++;
        }

        Assert.Equal(BinomialCoefficient(holders, threshold), subsets);
    }

    [Theory]
    [MemberData(nameof(SecretKinds))]
    public void Combine_RandomHalfPlusOneSubsetsOfHundredShares_ReturnSecret(string kind)
    {
        var random = new Random(51);
        byte[] secret = MakeSecret(kind, seed: 7);
        uint[] ids = DistinctIds(random, 100);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 51, ids);

        for (int trial = 0; trial < 20; trial++)
        {
            var shuffled = (ShamirShare[])shares.Clone();
            random.Shuffle(shuffled);
            Assert.Equal(secret, Combine(shuffled[..51], 51));
        }
    }

    [Fact]
    public void CombineOfSplit_RandomHoldersThresholdsAndSubsets_ReturnsSecret()
    {
        var random = new Random(2024);
        for (int trial = 0; trial < 200; trial++)
        {
            int holders = random.Next(1, 40);
            int threshold = random.Next(1, holders + 1);
            int used = random.Next(threshold, holders + 1);
            byte[] secret = new byte[ShamirSecretSharing.SecretSize];
            random.NextBytes(secret);
            uint[] ids = DistinctIds(random, holders);

            ShamirShare[] shares = ShamirSecretSharing.Split(secret, threshold, ids);
            random.Shuffle(shares);

            Assert.Equal(secret, Combine(shares[..used], threshold));
        }
    }

    [Fact]
    public void Combine_MoreThanThresholdConsistentShares_ReturnsSecret()
    {
        byte[] secret = MakeSecret("random", seed: 3);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 4, [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal(secret, Combine(shares, 4));
    }

    [Fact]
    public void Combine_ThresholdMinusOneShares_ThrowsArgumentExceptionNamingBothCounts()
    {
        ShamirShare[] shares = ShamirSecretSharing.Split(new byte[32], 5, [1, 2, 3, 4, 5, 6]);

        var error = Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Combine(shares[..4], 5, new byte[32]));
        Assert.Contains("5", error.Message, StringComparison.Ordinal);
        Assert.Contains("4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_ThresholdMinusOneSharesTakenAsLowerThreshold_DoNotYieldSecret()
    {
        const int Threshold = 4;
        byte[] secret = MakeSecret("random", seed: 11);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, Threshold, [10, 20, 30, 40, 50]);

        // The test means something only if these very shares do reconstruct at threshold t.
        Assert.Equal(secret, Combine(shares[..Threshold], Threshold));

        var output = new byte[32];
        try
        {
            ShamirSecretSharing.Combine(shares[..(Threshold - 1)], Threshold - 1, output);
            Assert.NotEqual(secret, output);
        }
        catch (CryptographicException)
        {
            Assert.All(output, b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Combine_ThresholdMinusOneShares_AreConsistentWithAnyOtherSecret()
    {
        // Information-theoretic hiding: for the t - 1 shares a coalition holds there is a
        // t-th share that makes the sharing one of an arbitrary other secret.
        const int Threshold = 3;
        byte[] secret = MakeSecret("random", seed: 21);
        byte[] other = MakeSecret("random", seed: 22);
        Assert.NotEqual(secret, other);
        uint[] ids = [5, 9, 1000];
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, Threshold, ids);

        // h(x) vanishes at the coalition's points and is 1 at 0; adding (other - secret)
        // times h moves the constant term alone.
        ulong h = 1;
        for (int j = 0; j < Threshold - 1; j++)
        {
            ulong numerator = Mersenne61.Subtract(ids[^1], ids[j]);
            ulong denominator = Mersenne61.Subtract(0, ids[j]);
            ulong factor = Mersenne61.Multiply(numerator, Mersenne61.Invert(denominator));
            h = Mersenne61.Multiply(h, factor);
        }

        Span<ulong> secretLimbs = stackalloc ulong[5];
        Span<ulong> otherLimbs = stackalloc ulong[5];
        ShamirSecretSharing.ToLimbs(secret, secretLimbs);
        ShamirSecretSharing.ToLimbs(other, otherLimbs);
        var encoded = new byte[ShamirShare.EncodedSize];
        shares[^1].WriteTo(encoded);
        for (int limb = 0; limb < 5; limb++)
        {
            ulong element = BinaryPrimitives.ReadUInt64LittleEndian(encoded.AsSpan(limb * 8));
            ulong shift = Mersenne61.Subtract(otherLimbs[limb], secretLimbs[limb]);
            element = Mersenne61.Add(element, Mersenne61.Multiply(shift, h));
            BinaryPrimitives.WriteUInt64LittleEndian(encoded.AsSpan(limb * 8), element);
        }

        ShamirShare forged = ShamirShare.Read(ids[^1], encoded);

        Assert.Equal(other, Combine([shares[0], shares[1], forged], Threshold));
        Assert.Equal(secret, Combine([shares[0], shares[1], shares[2]], Threshold));
    }

    [Fact]
    public void Combine_ShareRelabelledWithAnotherHolderId_FailsOrGivesWrongSecret()
    {
        byte[] secret = MakeSecret("random", seed: 31);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 3, [1, 2, 3, 4]);
        var encoded = new byte[ShamirShare.EncodedSize];
        shares[2].WriteTo(encoded);
        ShamirShare relabelled = ShamirShare.Read(7, encoded);

        var output = new byte[32];
        try
        {
            ShamirSecretSharing.Combine([shares[0], shares[1], relabelled], 3, output);
            Assert.NotEqual(secret, output);
        }
        catch (CryptographicException)
        {
            Assert.All(output, b => Assert.Equal(0, b));
        }
    }

    [Fact]
    public void Combine_RelabelledShareAmongExtras_ThrowsInconsistent()
    {
        byte[] secret = MakeSecret("random", seed: 32);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 3, [1, 2, 3, 4]);
        var encoded = new byte[ShamirShare.EncodedSize];
        shares[3].WriteTo(encoded);
        ShamirShare relabelled = ShamirShare.Read(9, encoded);

        AssertInconsistent([shares[0], shares[1], shares[2], relabelled], 3);
    }

    [Fact]
    public void Combine_ExtraShareFromAnotherSharing_ThrowsInconsistentAndClearsOutput()
    {
        byte[] secret = MakeSecret("random", seed: 41);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 3, [1, 2, 3, 4]);
        ShamirShare[] foreign = ShamirSecretSharing.Split(secret, 3, [1, 2, 3, 4]);

        AssertInconsistent([shares[0], shares[1], shares[2], foreign[3]], 3);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 3)]
    [InlineData(4, 4)]
    [InlineData(5, 1)]
    public void Combine_OneTamperedElementWithExtraShares_ThrowsInconsistent(int share, int limb)
    {
        byte[] secret = MakeSecret("zero", seed: 0);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 3, [3, 1, 4, 15, 9, 2]);
        var encoded = new byte[ShamirShare.EncodedSize];
        shares[share].WriteTo(encoded);
        ulong element = BinaryPrimitives.ReadUInt64LittleEndian(encoded.AsSpan(limb * 8));
        BinaryPrimitives.WriteUInt64LittleEndian(
            encoded.AsSpan(limb * 8), Mersenne61.Add(element, 1));
        shares[share] = ShamirShare.Read(shares[share].HolderId, encoded);

        AssertInconsistent(shares, 3);
    }

    [Fact]
    public void Combine_DuplicateHolderIds_ThrowsArgumentException()
    {
        ShamirShare[] shares = ShamirSecretSharing.Split(new byte[32], 2, [1, 2, 3]);

        Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Combine([shares[0], shares[1], shares[0]], 2, new byte[32]));
        Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Combine([shares[1], shares[1]], 2, new byte[32]));
    }

    [Fact]
    public void Combine_InvalidArguments_Throw()
    {
        ShamirShare[] shares = ShamirSecretSharing.Split(new byte[32], 2, [1, 2, 3]);

        Assert.Throws<ArgumentNullException>(
            () => ShamirSecretSharing.Combine(null!, 2, new byte[32]));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => ShamirSecretSharing.Combine(shares, 0, new byte[32]));
        Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Combine(shares, 2, new byte[31]));
        Assert.Throws<ArgumentNullException>(
            () => ShamirSecretSharing.Combine([shares[0], null!], 2, new byte[32]));
    }

    [Fact]
    public void Combine_DisposedShare_ThrowsObjectDisposedException()
    {
        ShamirShare[] shares = ShamirSecretSharing.Split(new byte[32], 2, [1, 2, 3]);
        shares[1].Dispose();

        Assert.Throws<ObjectDisposedException>(
            () => ShamirSecretSharing.Combine(shares, 2, new byte[32]));
    }

    [Fact]
    public void Split_ThresholdOne_EveryShareHoldsTheSecretLimbs()
    {
        byte[] secret = MakeSecret("random", seed: 61);
        Span<ulong> limbs = stackalloc ulong[5];
        ShamirSecretSharing.ToLimbs(secret, limbs);
        ShamirShare[] shares = ShamirSecretSharing.Split(secret, 1, [8, 6, 7, uint.MaxValue]);

        foreach (ShamirShare share in shares)
        {
            Assert.Equal(limbs.ToArray(), Elements(share));
            Assert.Equal(secret, Combine([share], 1));
        }
    }

    [Fact]
    public void Split_ReturnsOneSharePerHolderIdInTheSameOrder()
    {
        uint[] ids = [42, 7, uint.MaxValue, 1];
        ShamirShare[] shares = ShamirSecretSharing.Split(new byte[32], 2, ids);

        Assert.Equal(ids, shares.Select(s => s.HolderId));
    }

    [Fact]
    public void Split_SameSecretTwice_UsesFreshRandomness()
    {
        byte[] secret = MakeSecret("ones", seed: 0);
        ShamirShare[] first = ShamirSecretSharing.Split(secret, 2, [1, 2]);
        ShamirShare[] second = ShamirSecretSharing.Split(secret, 2, [1, 2]);

        Assert.NotEqual(Elements(first[0]), Elements(second[0]));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Split_SecretNotThirtyTwoBytes_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Split(new byte[length], 2, [1, 2, 3]));
    }

    [Fact]
    public void Split_ThresholdOutOfRange_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => ShamirSecretSharing.Split(new byte[32], 0, [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => ShamirSecretSharing.Split(new byte[32], 4, [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => ShamirSecretSharing.Split(new byte[32], 1, []));
    }

    [Fact]
    public void Split_ZeroOrDuplicateHolderId_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Split(new byte[32], 2, [1, 0, 3]));
        Assert.Throws<ArgumentException>(
            () => ShamirSecretSharing.Split(new byte[32], 2, [1, 3, 3]));
    }

    [Fact]
    public void ShareEncoding_RoundTrip_PreservesHolderAndElements()
    {
        ShamirShare[] shares = ShamirSecretSharing.Split(MakeSecret("random", 71), 2, [17, 4]);
        var encoded = new byte[ShamirShare.EncodedSize];
        shares[0].WriteTo(encoded);

        ShamirShare decoded = ShamirShare.Read(17, encoded);
        var reencoded = new byte[ShamirShare.EncodedSize];
        decoded.WriteTo(reencoded);

        Assert.Equal(17u, decoded.HolderId);
        Assert.Equal(encoded, reencoded);
        Assert.Equal(Elements(shares[0]), Elements(decoded));
    }

    [Fact]
    public void Read_LargestValidElements_Accepted()
    {
        var encoded = new byte[ShamirShare.EncodedSize];
        for (int limb = 0; limb < 5; limb++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(encoded.AsSpan(limb * 8), P - 1);
        }

        Assert.All(Elements(ShamirShare.Read(uint.MaxValue, encoded)), e => Assert.Equal(P - 1, e));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(39)]
    [InlineData(41)]
    public void Read_WrongLength_ThrowsFormatException(int length)
    {
        Assert.Throws<FormatException>(() => ShamirShare.Read(1, new byte[length]));
    }

    [Fact]
    public void Read_ZeroHolderId_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(
            () => ShamirShare.Read(0, new byte[ShamirShare.EncodedSize]));
    }

    [Theory]
    [InlineData(0, P)]
    [InlineData(2, P + 1)]
    [InlineData(4, 1UL << 62)]
    [InlineData(3, ulong.MaxValue)]
    public void Read_ElementNotBelowModulus_ThrowsFormatException(int limb, ulong value)
    {
        var encoded = new byte[ShamirShare.EncodedSize];
        BinaryPrimitives.WriteUInt64LittleEndian(encoded.AsSpan(limb * 8), value);

        Assert.Throws<FormatException>(() => ShamirShare.Read(1, encoded));
    }

    [Fact]
    public void Dispose_BlocksFurtherUseAndKeepsHolderId()
    {
        ShamirShare share = ShamirSecretSharing.Split(MakeSecret("ones", 0), 1, [1])[0];
        share.Dispose();
        share.Dispose();

        Assert.Throws<ObjectDisposedException>(
            () => share.WriteTo(new byte[ShamirShare.EncodedSize]));
        Assert.Equal(1u, share.HolderId);
    }

    [Fact]
    public void ToString_ShowsHolderIdAndNoElement()
    {
        ShamirShare share = ShamirSecretSharing.Split(MakeSecret("ones", 0), 1, [77])[0];

        string text = share.ToString();

        Assert.Equal("ShamirShare(holder 77)", text);
        foreach (ulong element in Elements(share))
        {
            Assert.DoesNotContain(element.ToString("x", null), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Limbs_RoundTripThroughBytes_AndStayInRange()
    {
        var random = new Random(81);
        Span<ulong> limbs = stackalloc ulong[5];
        var back = new byte[32];
        for (int trial = 0; trial < 100; trial++)
        {
            byte[] secret = new byte[32];
            random.NextBytes(secret);

            ShamirSecretSharing.ToLimbs(secret, limbs);
            ShamirSecretSharing.FromLimbs(limbs, back);

            Assert.Equal(secret, back);
            Assert.True(limbs[0] < 1UL << 52 && limbs[3] < 1UL << 52 && limbs[4] < 1UL << 48);
            Assert.Equal(new BigInteger(secret, isUnsigned: true) & ((BigInteger.One << 52) - 1),
                new BigInteger(limbs[0]));
        }
    }

    [Fact]
    public void FieldArithmetic_MatchesBigIntegerIncludingEdgeValues()
    {
        var random = new Random(91);
        ulong[] values = [0, 1, 2, P - 2, P - 1, 1UL << 60, (1UL << 60) - 1, 1UL << 32];
        var pool = values
            .Concat(Enumerable.Range(0, 60).Select(_ => (ulong)random.NextInt64(0, (long)P)))
            .ToArray();

        foreach (ulong a in pool)
        {
            foreach (ulong b in pool)
            {
                var big = (BigInteger)a;
                Assert.Equal((ulong)((big * b) % P), Mersenne61.Multiply(a, b));
                Assert.Equal((ulong)((big + b) % P), Mersenne61.Add(a, b));
                Assert.Equal((ulong)(((big - b) % P + P) % P), Mersenne61.Subtract(a, b));
            }

            if (a != 0)
            {
                Assert.Equal(1UL, Mersenne61.Multiply(a, Mersenne61.Invert(a)));
            }
        }
    }

    [Fact]
    public void FieldInvertBatch_MatchesSingleInversions()
    {
        ulong[] values = [1, 2, P - 1, 12345, 1UL << 40, 99];
        var inverses = new ulong[values.Length];

        Mersenne61.InvertBatch(values, inverses);

        Assert.Equal(values.Select(Mersenne61.Invert), inverses);
    }

    [Fact]
    public void FieldFillRandom_ProducesCanonicalVaryingElements()
    {
        var elements = new ulong[1000];

        Mersenne61.FillRandom(elements);

        Assert.All(elements, e => Assert.True(e < P));
        Assert.True(elements.Distinct().Count() > 990);
        Assert.Contains(elements, e => e >= 1UL << 60);
    }

    private static void AssertInconsistent(IReadOnlyList<ShamirShare> shares, int threshold)
    {
        byte[] output = Enumerable.Repeat((byte)0xAA, 32).ToArray();
        var error = Assert.Throws<CryptographicException>(
            () => ShamirSecretSharing.Combine(shares, threshold, output));
        Assert.Equal("The shares are inconsistent.", error.Message);
        Assert.All(output, b => Assert.Equal(0, b));
    }

    private static byte[] Combine(IReadOnlyList<ShamirShare> shares, int threshold)
    {
        var secret = new byte[ShamirSecretSharing.SecretSize];
        ShamirSecretSharing.Combine(shares, threshold, secret);
        return secret;
    }

    private static ulong[] Elements(ShamirShare share)
    {
        var encoded = new byte[ShamirShare.EncodedSize];
        share.WriteTo(encoded);
        return Enumerable.Range(0, 5)
            .Select(i => BinaryPrimitives.ReadUInt64LittleEndian(encoded.AsSpan(i * 8)))
            .ToArray();
    }

    private static byte[] MakeSecret(string kind, int seed)
    {
        var secret = new byte[ShamirSecretSharing.SecretSize];
        switch (kind)
        {
            case "zero":
                break;
            case "ones":
                secret.AsSpan().Fill(0xFF);
                break;
            default:
                new Random(seed).NextBytes(secret);
                break;
        }

        return secret;
    }

    private static uint[] DistinctIds(Random random, int count)
    {
        var ids = new HashSet<uint> { uint.MaxValue };
        while (ids.Count < count)
        {
            ids.Add((uint)random.NextInt64(1, (long)uint.MaxValue + 1));
        }

        uint[] result = ids.Take(count).ToArray();
        random.Shuffle(result);
        return result;
    }

    private static IEnumerable<int[]> Subsets(int n, int k)
    {
        var indices = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])indices.Clone();

            int i = k - 1;
            while (i >= 0 && indices[i] == n - k + i)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            indices[i]++;
            for (int j = i + 1; j < k; j++)
            {
                indices[j] = indices[j - 1] + 1;
            }
        }
    }

    private static int BinomialCoefficient(int n, int k)
    {
        long result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return (int)result;
    }
}
