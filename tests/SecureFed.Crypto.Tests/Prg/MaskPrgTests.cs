// Tests of the mask PRG: the block function and counter against NIST SP 800-38A F.5.5
// (CTR-AES256.Encrypt), the layout against the platform's AES-ECB on counter blocks as an
// independent reference, random access by coordinate, uniformity by chi-square, and the
// masking laws. Every path runs on every machine: the portable path is forced where asked.

using System.Buffers.Binary;
using System.Reflection;
using System.Security.Cryptography;
using SecureFed.Crypto.Prg;

namespace SecureFed.Crypto.Tests.Prg;

public sealed class MaskPrgTests
{
    // Upper critical values of chi-square at p = 1e-6, from the regularized incomplete gamma
    // function: a fixed seed passes deterministically, a biased generator fails.
    private const double ChiSquareCritical255 = 377.08;
    private const double ChiSquareCritical999 = 1226.05;

    private static readonly int[] BitWidths = [1, 7, 16, 31, 32, 33, 63, 64];

    public static TheoryData<bool> Paths => new() { true, false };

    public static TheoryData<bool, int> PathsAndBits
    {
        get
        {
            var data = new TheoryData<bool, int>();
            foreach (var allowAesNi in new[] { true, false })
            {
                foreach (var bits in BitWidths)
                {
                    data.Add(allowAesNi, bits);
                }
            }

            return data;
        }
    }

    public static TheoryData<int> Bits => new(BitWidths);

    [Theory]
    [MemberData(nameof(Paths))]
    public void CounterKeystream_MatchesNistSp80038aCtrAes256Vector(bool allowAesNi)
    {
        // NIST SP 800-38A F.5.5: key, initial counter block f0f1...fdfeff, and for blocks
        // 1 to 4 the output blocks, plaintexts and ciphertexts.
        var key = Convert.FromHexString(
            "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        var outputBlocks = Convert.FromHexString(
            "0bdf7df1591716335e9a8b15c860c502" + "5a6e699d536119065433863c8f657b94" +
            "1bc12c9c01610d5d0d8bd6a3378eca62" + "2956e1c8693536b1bee99c73a31576b6");
        var plaintext = Convert.FromHexString(
            "6bc1bee22e409f96e93d7e117393172a" + "ae2d8a571e03ac9c9eb76fac45af8e51" +
            "30c81c46a35ce411e5fbc1191a0a52ef" + "f69f2445df4f9b17ad2b417be66c3710");
        var expected = Convert.FromHexString(
            "601ec313775789a5b7a7f504bbf3d228" + "f443e3ca4d62b59aca84e990cacaf5c5" +
            "2b0930daa23de94ce87017ba2d84988d" + "dfc9c58db67aada613c2dd08457941a6");
        using var prg = CreatePrg(key, allowAesNi);

        // Sixteen blocks so that the eight-way loop runs, not only the single-block tail.
        var keystream = new byte[16 * 16];
        prg.CounterKeystream(0xf0f1f2f3f4f5f6f7, 0xf8f9fafbfcfdfeff, keystream);

        var ciphertext = new byte[plaintext.Length];
        for (var i = 0; i < plaintext.Length; i++)
        {
            ciphertext[i] = (byte)(plaintext[i] ^ keystream[i]);
        }

        Assert.Equal(outputBlocks, keystream[..outputBlocks.Length]);
        Assert.Equal(expected, ciphertext);
        Assert.Equal(ReferenceCounterBlocks(key, 0xf0f1f2f3f4f5f6f7, 0xf8f9fafbfcfdfeff, 16),
            keystream);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void CounterKeystream_LowHalfWrapsWithoutCarry(bool allowAesNi)
    {
        var seed = Seed(1);
        using var prg = CreatePrg(seed, allowAesNi);

        var keystream = new byte[12 * 16];
        prg.CounterKeystream(5, ulong.MaxValue - 3, keystream);

        var expected = ReferenceCounterBlocks(seed, 5, ulong.MaxValue - 3, 12);
        Assert.Equal(expected, keystream);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Constructor_UsesAesNiExactlyWhenAllowedAndSupported(bool allowAesNi)
    {
        using var prg = CreatePrg(Seed(2), allowAesNi);

        Assert.Equal(allowAesNi && MaskPrg.IsHardwareAccelerated, prg.UsesAesNi);
    }

    [Theory]
    [InlineData(true, 0UL, 0)]
    [InlineData(true, 0UL, 1)]
    [InlineData(true, 0UL, 15)]
    [InlineData(true, 0UL, 16)]
    [InlineData(true, 3UL, 127)]
    [InlineData(true, 7UL, 129)]
    [InlineData(true, 1UL << 40, 4099)]
    [InlineData(true, 11UL, 65541)]
    [InlineData(false, 0UL, 1)]
    [InlineData(false, 3UL, 127)]
    [InlineData(false, 1UL << 40, 4099)]
    [InlineData(false, 11UL, 65541)]
    public void Keystream_MatchesPlatformAesEcbOnCounterBlocks(
        bool allowAesNi, ulong firstBlock, int length)
    {
        var seed = Seed(length);
        using var prg = CreatePrg(seed, allowAesNi);

        var keystream = new byte[length];
        prg.Keystream(firstBlock, keystream);

        var expected = ReferenceKeystream(seed, firstBlock, length);
        Assert.Equal(expected, keystream);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Keystream_EveryStartInAGroupAndLength_MatchesPlatformAesEcb(bool allowAesNi)
    {
        // Groups of eight blocks are the unit of work: cover starts and ends inside them.
        var seed = Seed(40);
        using var prg = CreatePrg(seed, allowAesNi);
        var reference = ReferenceKeystream(seed, 0, 32 * 16 + 1100);

        for (var firstBlock = 0; firstBlock < 32; firstBlock++)
        {
            foreach (var length in new[] { 0, 1, 15, 16, 17, 112, 127, 128, 129, 255, 257, 1100 })
            {
                var keystream = new byte[length];
                prg.Keystream((ulong)firstBlock, keystream);
                Assert.Equal(reference.AsSpan(firstBlock * 16, length).ToArray(), keystream);
            }
        }
    }

    [Fact]
    public void Keystream_SliceEqualsFullKeystream()
    {
        using var prg = new MaskPrg(Seed(3));
        var full = new byte[50_000];
        prg.Keystream(0, full);

        foreach (var (block, length) in new[] { (1, 5), (3, 16), (17, 1001), (100, 40_000) })
        {
            var slice = new byte[length];
            prg.Keystream((ulong)block, slice);
            Assert.Equal(full.AsSpan(block * 16, length).ToArray(), slice);
        }
    }

    [Fact]
    public void Keystream_EndingAtLastCounterBlock_MatchesPlatformAesEcb()
    {
        var seed = Seed(4);
        using var prg = new MaskPrg(seed);

        var keystream = new byte[3 * 16 + 5];
        prg.Keystream(ulong.MaxValue - 3, keystream);

        Assert.Equal(ReferenceKeystream(seed, ulong.MaxValue - 3, keystream.Length), keystream);
    }

    [Theory]
    [InlineData(ulong.MaxValue, 17)]
    [InlineData(ulong.MaxValue - 1, 33)]
    public void Keystream_PastLastCounterBlock_Throws(ulong firstBlock, int length)
    {
        using var prg = new MaskPrg(Seed(5));

        Assert.Throws<ArgumentOutOfRangeException>(
            () => prg.Keystream(firstBlock, new byte[length]));
    }

    [Theory]
    [MemberData(nameof(PathsAndBits))]
    public void Generate_MatchesPlatformAesReference(bool allowAesNi, int bits)
    {
        var seed = Seed(100 + bits);
        using var prg = CreatePrg(seed, allowAesNi);

        foreach (var first in new long[] { 0, 1, 3, 5, (1L << 50) + 7 })
        {
            var masks = new ulong[100_003];
            prg.Generate(first, bits, masks);

            Assert.Equal(ReferenceMasks(seed, first, masks.Length, bits), masks);
        }
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void Generate_SliceEqualsFullGeneration(int bits)
    {
        using var prg = new MaskPrg(Seed(6));
        var full = new ulong[60_000];
        prg.Generate(0, bits, full);

        var starts = new[] { 0, 1, 2, 3, 4, 5, 7, 9, 255, 256, 257, 511, 4095, 4097, 51_234 };
        foreach (var start in starts)
        {
            foreach (var length in new[] { 1, 3, 17, 1000, 5000 })
            {
                if (start + length > full.Length)
                {
                    continue;
                }

                var slice = new ulong[length];
                prg.Generate(start, bits, slice);
                Assert.Equal(full.AsSpan(start, length).ToArray(), slice);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void Generate_ValuesAreBelowTwoToBits(int bits)
    {
        using var prg = new MaskPrg(Seed(7));
        var masks = new ulong[10_007];
        prg.Generate(3, bits, masks);

        var bound = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        Assert.All(masks, m => Assert.True(m <= bound));
    }

    [Fact]
    public void Generate_Bits8_PassesChiSquare()
    {
        using var prg = new MaskPrg(Seed(8));
        var masks = new ulong[1_000_000];
        prg.Generate(0, 8, masks);

        Assert.True(ChiSquare(masks, 256) < ChiSquareCritical255);
    }

    [Fact]
    public void Generate_Bits40_LowByte_PassesChiSquare()
    {
        using var prg = new MaskPrg(Seed(9));
        var masks = new ulong[1_000_000];
        prg.Generate(0, 40, masks);

        var lowBytes = masks.Select(m => m & 0xFF).ToArray();
        Assert.True(ChiSquare(lowBytes, 256) < ChiSquareCritical255);
    }

    [Fact]
    public void GenerateModulo_Modulus1000_PassesChiSquare()
    {
        using var prg = new MaskPrg(Seed(10));
        var values = new ulong[1_000_000];
        prg.GenerateModulo(0, 1000, values);

        Assert.True(ChiSquare(values, 1000) < ChiSquareCritical999);
    }

    [Fact]
    public void ChiSquare_RejectsModuloBiasedSample()
    {
        // Reducing 10-bit masks mod 1000 favours 0..23: the test must catch that.
        using var prg = new MaskPrg(Seed(10));
        var masks = new ulong[1_000_000];
        prg.Generate(0, 10, masks);

        var biased = masks.Select(m => m % 1000).ToArray();
        Assert.True(ChiSquare(biased, 1000) > ChiSquareCritical999);
    }

    [Theory]
    [InlineData(true, 2UL)]
    [InlineData(true, 3UL)]
    [InlineData(true, 1000UL)]
    [InlineData(true, 1UL << 32)]
    [InlineData(true, (1UL << 63) + 1)]
    [InlineData(true, ulong.MaxValue)]
    [InlineData(true, ulong.MaxValue - 58)]
    [InlineData(false, 3UL)]
    [InlineData(false, (1UL << 63) + 1)]
    [InlineData(false, ulong.MaxValue)]
    public void GenerateModulo_MatchesPlatformAesReference(bool allowAesNi, ulong modulus)
    {
        var seed = Seed(11);
        using var prg = CreatePrg(seed, allowAesNi);

        foreach (var first in new long[] { 0, 129, (1L << 40) + 1 })
        {
            var values = new ulong[3001];
            prg.GenerateModulo(first, modulus, values);

            Assert.Equal(ReferenceModulo(seed, first, values.Length, modulus), values);
        }
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(1000UL)]
    [InlineData(1UL << 32)]
    [InlineData(1UL << 63)]
    [InlineData((1UL << 63) + 1)]
    [InlineData(ulong.MaxValue - 58)]
    [InlineData(ulong.MaxValue - 1)]
    [InlineData(ulong.MaxValue)]
    public void LargestAccepted_IsLastValueBelowLargestMultipleOfModulus(ulong modulus)
    {
        var limit = ((UInt128)1 << 64) / modulus * modulus;

        Assert.Equal((ulong)(limit - 1), MaskPrg.LargestAccepted(modulus));
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(3UL)]
    [InlineData(1000UL)]
    [InlineData((1UL << 63) + 1)]
    [InlineData(ulong.MaxValue)]
    public void GenerateModulo_ValuesAreBelowModulus(ulong modulus)
    {
        using var prg = new MaskPrg(Seed(12));
        var values = new ulong[20_000];
        prg.GenerateModulo(0, modulus, values);

        Assert.All(values, v => Assert.True(v < modulus));
    }

    [Fact]
    public void GenerateModulo_SliceEqualsFullGeneration()
    {
        const ulong modulus = (1UL << 63) + 1;
        using var prg = new MaskPrg(Seed(13));
        var full = new ulong[5000];
        prg.GenerateModulo(0, modulus, full);

        foreach (var (start, length) in new[] { (1, 1), (127, 2), (128, 300), (1000, 4000) })
        {
            var slice = new ulong[length];
            prg.GenerateModulo(start, modulus, slice);
            Assert.Equal(full.AsSpan(start, length).ToArray(), slice);
        }
    }

    [Fact]
    public void GenerateModulo_IsSeparateFromGenerate()
    {
        using var prg = new MaskPrg(Seed(14));
        var modular = new ulong[64];
        var plain = new ulong[64];
        prg.GenerateModulo(0, 1UL << 32, modular);
        prg.Generate(0, 32, plain);

        Assert.NotEqual(plain, modular);
    }

    [Theory]
    [MemberData(nameof(PathsAndBits))]
    public void AddTo_EqualsTargetPlusGenerate(bool allowAesNi, int bits)
    {
        using var prg = CreatePrg(Seed(15), allowAesNi);

        foreach (var first in new long[] { 0, 1, 3, 4097 })
        {
            var target = ReducedVector(10_003, bits, seed: 16);
            var masks = new ulong[target.Length];
            prg.Generate(first, bits, masks);

            var expected = new ulong[target.Length];
            for (var i = 0; i < target.Length; i++)
            {
                expected[i] = Reduce(unchecked(target[i] + masks[i]), bits);
            }

            prg.AddTo(target, first, bits);
            Assert.Equal(expected, target);
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndBits))]
    public void SubtractFrom_EqualsTargetMinusGenerate(bool allowAesNi, int bits)
    {
        using var prg = CreatePrg(Seed(17), allowAesNi);
        var target = ReducedVector(10_003, bits, seed: 18);
        var masks = new ulong[target.Length];
        prg.Generate(5, bits, masks);

        var expected = new ulong[target.Length];
        for (var i = 0; i < target.Length; i++)
        {
            expected[i] = Reduce(unchecked(target[i] - masks[i]), bits);
        }

        prg.SubtractFrom(target, 5, bits);
        Assert.Equal(expected, target);
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void AddTo_ThenSubtractFrom_RestoresTarget(int bits)
    {
        using var prg = new MaskPrg(Seed(19));
        var original = ReducedVector(30_001, bits, seed: 20);
        var target = original.ToArray();

        prg.AddTo(target, 7, bits);
        Assert.NotEqual(original, target);
        prg.SubtractFrom(target, 7, bits);

        Assert.Equal(original, target);
    }

    [Theory]
    [MemberData(nameof(Bits))]
    public void AddTo_KeepsValuesReduced(int bits)
    {
        using var prg = new MaskPrg(Seed(21));
        var target = ReducedVector(10_000, bits, seed: 22);

        prg.AddTo(target, 0, bits);
        prg.SubtractFrom(target, 1, bits);

        var bound = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        Assert.All(target, v => Assert.True(v <= bound));
    }

    [Fact]
    public void PairwiseMasks_CancelInTheAggregate()
    {
        // Party u adds the pairwise mask and party v subtracts it: the sum is unmasked.
        const int bits = 32;
        using var prg = new MaskPrg(Seed(23));
        var u = ReducedVector(1000, bits, seed: 24);
        var v = ReducedVector(1000, bits, seed: 25);
        var plainSum = u.Zip(v, (a, b) => Reduce(a + b, bits)).ToArray();

        prg.AddTo(u, 0, bits);
        prg.SubtractFrom(v, 0, bits);

        Assert.Equal(plainSum, u.Zip(v, (a, b) => Reduce(a + b, bits)).ToArray());
    }

    [Fact]
    public void HardwareAndPortablePaths_ProduceTheSameMasks()
    {
        var seed = Seed(26);
        using var hardware = CreatePrg(seed, allowAesNi: true);
        using var portable = CreatePrg(seed, allowAesNi: false);

        foreach (var bits in BitWidths)
        {
            var a = new ulong[4099];
            var b = new ulong[4099];
            hardware.Generate(13, bits, a);
            portable.Generate(13, bits, b);
            Assert.Equal(a, b);
        }

        var x = new ulong[4099];
        var y = new ulong[4099];
        hardware.GenerateModulo(13, 1_000_003, x);
        portable.GenerateModulo(13, 1_000_003, y);
        Assert.Equal(x, y);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConcurrentSlices_MatchOneSequentialGeneration(bool allowAesNi)
    {
        using var prg = CreatePrg(Seed(31), allowAesNi);
        var expected = new ulong[64 * 1031];
        prg.Generate(0, 32, expected);
        var actual = new ulong[expected.Length];

        Parallel.For(0, 64, slice => prg.AddTo(actual.AsSpan(slice * 1031, 1031), slice * 1031L, 32));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void SameSeed_GivesTheSameStream()
    {
        using var first = new MaskPrg(Seed(27));
        using var second = new MaskPrg(Seed(27));
        var a = new ulong[1000];
        var b = new ulong[1000];

        first.Generate(0, 64, a);
        second.Generate(0, 64, b);

        Assert.Equal(a, b);
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentStreams()
    {
        var seed = Seed(28);
        var flipped = seed.ToArray();
        flipped[31] ^= 1;
        using var first = new MaskPrg(seed);
        using var second = new MaskPrg(flipped);
        var a = new ulong[1000];
        var b = new ulong[1000];

        first.Generate(0, 64, a);
        second.Generate(0, 64, b);

        Assert.DoesNotContain(a.Zip(b), pair => pair.First == pair.Second);
    }

    [Fact]
    public void Constructor_CopiesSeed()
    {
        var seed = Seed(29);
        using var prg = new MaskPrg(seed);
        var before = new ulong[100];
        prg.Generate(0, 64, before);

        Array.Clear(seed);
        var after = new ulong[100];
        prg.Generate(0, 64, after);

        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Constructor_SeedNotThirtyTwoBytes_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => new MaskPrg(new byte[length]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void BitsOutsideOneToSixtyFour_Throw(int bits)
    {
        using var prg = new MaskPrg(Seed(30));
        var buffer = new ulong[4];

        Assert.Throws<ArgumentOutOfRangeException>(() => prg.Generate(0, bits, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => prg.AddTo(buffer, 0, bits));
        Assert.Throws<ArgumentOutOfRangeException>(() => prg.SubtractFrom(buffer, 0, bits));
    }

    [Fact]
    public void NegativeFirstCoordinate_Throws()
    {
        using var prg = new MaskPrg(Seed(31));
        var buffer = new ulong[4];

        Assert.Throws<ArgumentOutOfRangeException>(() => prg.Generate(-1, 32, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => prg.AddTo(buffer, -1, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => prg.SubtractFrom(buffer, -1, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => prg.GenerateModulo(-1, 7, buffer));
    }

    [Fact]
    public void CoordinatesPastLongMaxValue_Throw()
    {
        using var prg = new MaskPrg(Seed(32));
        var buffer = new ulong[4];

        Assert.Throws<ArgumentOutOfRangeException>(
            () => prg.Generate(long.MaxValue - 2, 64, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => prg.GenerateModulo(long.MaxValue - 2, 7, buffer));
    }

    [Fact]
    public void CoordinatesEndingAtLongMaxValue_MatchReference()
    {
        var seed = Seed(33);
        using var prg = new MaskPrg(seed);
        var masks = new ulong[5];

        prg.Generate(long.MaxValue - 5, 64, masks);

        Assert.Equal(ReferenceMasks(seed, long.MaxValue - 5, 5, 64), masks);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    public void GenerateModulo_ModulusBelowTwo_Throws(ulong modulus)
    {
        using var prg = new MaskPrg(Seed(34));

        Assert.Throws<ArgumentOutOfRangeException>(
            () => prg.GenerateModulo(0, modulus, new ulong[4]));
    }

    [Fact]
    public void EmptyDestinations_AreAccepted()
    {
        using var prg = new MaskPrg(Seed(35));

        prg.Keystream(ulong.MaxValue, []);
        prg.Generate(long.MaxValue, 64, []);
        prg.AddTo([], 0, 1);
        prg.GenerateModulo(0, 2, []);
    }

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var prg = new MaskPrg(Seed(36));
        prg.Dispose();
        var buffer = new ulong[4];

        Assert.Throws<ObjectDisposedException>(() => prg.Keystream(0, new byte[16]));
        Assert.Throws<ObjectDisposedException>(() => prg.Generate(0, 8, buffer));
        Assert.Throws<ObjectDisposedException>(() => prg.AddTo(buffer, 0, 8));
        Assert.Throws<ObjectDisposedException>(() => prg.SubtractFrom(buffer, 0, 8));
        Assert.Throws<ObjectDisposedException>(() => prg.GenerateModulo(0, 8, buffer));
        prg.Dispose();
    }

    [Fact]
    public void Dispose_ClearsRoundKeys()
    {
        var prg = new MaskPrg(Seed(37));
        var field = typeof(MaskPrg).GetField(
            "_roundKeys", BindingFlags.NonPublic | BindingFlags.Instance);
        var roundKeys = (byte[]?)field!.GetValue(prg);

        prg.Dispose();

        if (roundKeys is not null)
        {
            Assert.All(roundKeys, b => Assert.Equal(0, b));
        }
    }

    private static MaskPrg CreatePrg(byte[] seed, bool allowAesNi) => new(seed, allowAesNi);

    private static byte[] Seed(int index) => SHA256.HashData(BitConverter.GetBytes(index));

    private static ulong Reduce(ulong value, int bits) =>
        bits == 64 ? value : value & ((1UL << bits) - 1);

    private static ulong[] ReducedVector(int length, int bits, int seed)
    {
        var bytes = new byte[length * 8];
        using (var prg = new MaskPrg(Seed(1_000_000 + seed)))
        {
            prg.Keystream(0, bytes);
        }

        var vector = new ulong[length];
        for (var i = 0; i < length; i++)
        {
            vector[i] = Reduce(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8)), bits);
        }

        return vector;
    }

    private static byte[] ReferenceCounterBlocks(byte[] key, ulong high, ulong low, int blocks)
    {
        var counters = new byte[blocks * 16];
        for (var k = 0; k < blocks; k++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(k * 16), high);
            BinaryPrimitives.WriteUInt64BigEndian(
                counters.AsSpan(k * 16 + 8), unchecked(low + (ulong)k));
        }

        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(counters, PaddingMode.None);
    }

    private static byte[] ReferenceKeystream(byte[] key, ulong firstBlock, int length)
    {
        var blocks = (length + 15) / 16;
        return ReferenceCounterBlocks(key, 0, firstBlock, blocks).AsSpan(0, length).ToArray();
    }

    private static ulong[] ReferenceMasks(byte[] key, long first, int count, int bits)
    {
        var width = bits <= 32 ? 4 : 8;
        var perBlock = 16 / width;
        var firstBlock = first / perBlock;
        var lastBlock = (first + count - 1) / perBlock;
        var keystream = ReferenceCounterBlocks(
            key, 0, (ulong)firstBlock, (int)(lastBlock - firstBlock + 1));

        var masks = new ulong[count];
        var offset = (int)(first % perBlock) * width;
        for (var i = 0; i < count; i++)
        {
            var word = keystream.AsSpan(offset + i * width);
            var value = width == 4
                ? BinaryPrimitives.ReadUInt32LittleEndian(word)
                : BinaryPrimitives.ReadUInt64LittleEndian(word);
            masks[i] = Reduce(value, bits);
        }

        return masks;
    }

    private static ulong[] ReferenceModulo(byte[] key, long first, int count, ulong modulus)
    {
        // limit = floor(2^64 / m) * m, computed in 128 bits as the layout states it.
        var limit = ((UInt128)1 << 64) / modulus * modulus;
        var firstAttempts = ReferenceCounterBlocks(key, 1UL << 32, (ulong)first, count);

        var values = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            var block = firstAttempts.AsSpan(i * 16, 16).ToArray();
            for (var attempt = 1UL; ; attempt++)
            {
                var candidate0 = BinaryPrimitives.ReadUInt64LittleEndian(block);
                var candidate1 = BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(8));
                if (candidate0 < limit)
                {
                    values[i] = candidate0 % modulus;
                    break;
                }

                if (candidate1 < limit)
                {
                    values[i] = candidate1 % modulus;
                    break;
                }

                block = ReferenceCounterBlocks(key, (1UL << 32) | attempt, (ulong)(first + i), 1);
            }
        }

        return values;
    }

    private static double ChiSquare(ulong[] values, int bins)
    {
        var counts = new long[bins];
        foreach (var value in values)
        {
            counts[value]++;
        }

        var expected = (double)values.Length / bins;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }
}
