using SecureFed.Protocol.Masking;

namespace SecureFed.Protocol.Tests.Masking;

public class PackedVectorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(57)]
    [InlineData(63)]
    [InlineData(64)]
    public void PackThenUnpack_ReturnsTheVector(int bits)
    {
        var random = new Random(bits);
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        var values = Enumerable.Range(0, 101).Select(_ => (ulong)random.NextInt64() * 3 & mask).ToArray();
        values[0] = mask;

        var packed = PackedVector.Pack(values, bits);

        Assert.Equal((101 * bits + 7) / 8, packed.Length);
        Assert.Equal(values, PackedVector.Unpack(packed, values.Length, bits));
    }

    [Fact]
    public void AddTo_AddsModuloTwoToTheBits()
    {
        var accumulator = new ulong[] { 250, 3 };
        PackedVector.AddTo(PackedVector.Pack([10, 255], 8), accumulator, 8);

        Assert.Equal(new ulong[] { 4, 2 }, accumulator);
    }

    [Fact]
    public void Pack_RejectsValuesThatDoNotFit()
    {
        Assert.Throws<ArgumentException>(() => PackedVector.Pack([16], 4));
    }

    [Fact]
    public void Unpack_RejectsWrongLengthsAndNonZeroPadding()
    {
        var packed = PackedVector.Pack([1, 2, 3], 5);

        Assert.Throws<FormatException>(() => PackedVector.Unpack(packed, 4, 5));
        packed[^1] |= 0x80;
        Assert.Throws<FormatException>(() => PackedVector.Unpack(packed, 3, 5));
    }
}
