using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class CkksParametersTests
{
    // HomomorphicEncryption.org security standard (2018), Table 1, 128-bit classical,
    // uniform ternary secret.
    [Theory]
    [InlineData(4096, 109)]
    [InlineData(8192, 218)]
    [InlineData(16384, 438)]
    [InlineData(32768, 881)]
    public void MaxModulusBits128_MatchesHomomorphicEncryptionStandard(int n, int bits)
    {
        Assert.Equal(bits, CkksParameters.MaxModulusBits128(n));
    }

    [Theory]
    [InlineData(4096, new[] { 55 }, 55)]
    [InlineData(8192, new[] { 60, 60, 60 }, 39)]
    [InlineData(16384, new[] { 60, 60, 60, 60, 60, 60, 60 }, 20)]
    [InlineData(32768, new[] { 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61 }, 61)]
    public void Create_ChainAboveBound_IsRefused(int n, int[] bits, int specialBits)
    {
        var error = Assert.Throws<ArgumentException>(
            () => CkksParameters.Create(n, bits, specialBits));
        Assert.Contains("128-bit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4096, new[] { 60, 30 })]
    [InlineData(8192, new[] { 60, 60, 60, 20 })]
    public void Create_NoRoomForTheSpecialPrime_IsRefused(int n, int[] bits)
    {
        var error = Assert.Throws<ArgumentException>(() => CkksParameters.Create(n, bits));
        Assert.Contains("special prime", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4096, new[] { 55, 55 })]
    [InlineData(8192, new[] { 60, 60, 60, 40 })]
    public void UnsafeCreate_ChainAboveBound_IsAllowedAndFlagged(int n, int[] bits)
    {
        CkksParameters parameters = CkksParameters.UnsafeCreateWithoutSecurityCheck(n, bits, 60);

        Assert.False(parameters.MeetsSecurityTable);
        Assert.Contains("below 128-bit security", parameters.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4096, new[] { 55, 54 })]
    [InlineData(8192, new[] { 60, 40, 40, 60 })]
    [InlineData(8192, new[] { 55, 55, 54, 54 })]
    [InlineData(8192, new[] { 60, 60, 60, 38 })]
    [InlineData(16384, new[] { 60, 60, 60, 60, 60, 60, 58, 20 })]
    public void Create_ChainAtOrBelowBound_IsAccepted(int n, int[] bits)
    {
        // The last size is the special prime's, as in Microsoft SEAL's coefficient moduli.
        CkksParameters parameters = CkksParameters.Create(n, bits[..^1], bits[^1]);
        ulong[] all = [.. parameters.Primes, parameters.SpecialPrime];

        Assert.True(parameters.MeetsSecurityTable);
        Assert.True(parameters.ModulusBitCount <= CkksParameters.MaxModulusBits128(n));
        Assert.Equal(bits.Length - 1, parameters.ModulusCount);
        Assert.Equal(all.Length, all.Distinct().Count());
        for (int i = 0; i < bits.Length; i++)
        {
            ulong q = all[i];
            Assert.Equal(1UL, q % (2UL * (ulong)n));
            Assert.True(q < 1UL << bits[i] && q > 1UL << (bits[i] - 1));
        }
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(65536)]
    [InlineData(3000)]
    public void Create_UnsupportedRingDegree_IsRefused(int n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CkksParameters.Create(n, [30]));
    }

    [Fact]
    public void Create_BadPrimeSizesOrEmptyChain_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => CkksParameters.Create(8192, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => CkksParameters.Create(8192, [62]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CkksParameters.Create(8192, [19]));
    }

    [Theory]
    [InlineData(4096, 1, 60, 49)]
    [InlineData(8192, 3, 180, 38)]
    [InlineData(16384, 6, 360, 60)]
    [InlineData(32768, 14, 840, 41)]
    public void CreateDefault_FitsTheBound(int n, int count, int bits, int specialBits)
    {
        CkksParameters parameters = CkksParameters.CreateDefault(n);

        Assert.Equal(count, parameters.ModulusCount);
        Assert.Equal(bits, parameters.CiphertextModulusBitCount);
        Assert.Equal(bits + specialBits, parameters.ModulusBitCount);
        Assert.Equal(specialBits, 64 - (int)ulong.LeadingZeroCount(parameters.SpecialPrime));
        Assert.True(parameters.MeetsSecurityTable);
    }

    [Fact]
    public void ParameterId_IsDeterministicAndSeparatesChains()
    {
        CkksParameters first = CkksParameters.Create(8192, [60, 40, 40], 60);
        CkksParameters again = CkksParameters.Create(8192, [60, 40, 40], 60);
        CkksParameters reordered = CkksParameters.Create(8192, [40, 60, 40], 60);
        CkksParameters otherSpecial = CkksParameters.Create(8192, [60, 40, 40], 50);
        CkksParameters otherDegree = CkksParameters.Create(16384, [60, 40, 40], 60);

        Assert.Equal(first.Primes, again.Primes);
        Assert.True(first.ParameterId.SequenceEqual(again.ParameterId));
        Assert.Equal(first, again);
        Assert.NotEqual(first, reordered);
        Assert.NotEqual(first, otherSpecial);
        Assert.NotEqual(first, otherDegree);
        Assert.Equal(CkksParameters.ParameterIdSize, first.ParameterId.Length);
    }
}
