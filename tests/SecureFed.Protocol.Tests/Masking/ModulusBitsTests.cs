using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Masking;

public class ModulusBitsTests
{
    [Theory]
    [InlineData(1, 2UL, 1)]                   // one bit: sum at most 1
    [InlineData(2, 2UL, 2)]                   // sum at most 2
    [InlineData(200, 1UL << 16, 24)]          // 200 * 65535 < 2^24
    [InlineData(256, 1UL << 16, 24)]          // 256 * 65535 < 2^24
    [InlineData(257, 1UL << 16, 25)]          // 257 * 65535 >= 2^24
    [InlineData(1, ulong.MaxValue, 64)]
    public void For_GivesTheSmallestWidthThatHoldsTheLargestSum(int clients, ulong range, int expected)
    {
        int bits = ModulusBits.For(clients, range);

        Assert.Equal(expected, bits);
        UInt128 largestSum = (UInt128)(ulong)clients * (range - 1);
        Assert.True(largestSum < (UInt128)1 << bits);
        Assert.True(bits == 1 || largestSum >= (UInt128)1 << (bits - 1));
    }

    [Fact]
    public void For_RejectsSumsWiderThan64Bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModulusBits.For(2, ulong.MaxValue));
    }

    [Fact]
    public void For_RejectsEmptyRangesAndNoClients()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ModulusBits.For(0, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModulusBits.For(3, 0));
    }
}
