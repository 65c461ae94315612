using System.Buffers.Binary;
using SecureFed.Crypto.Ckks;

namespace SecureFed.Crypto.Tests.Ckks;

public class CkksSerializerTests
{
    // Offsets into the format, restated here so that the tests pin the layout down.
    private const int HeaderSize = 18;
    private const int CiphertextBodyOffset = HeaderSize + 8 + 1;
    private const int ShareParticipantsOffset = HeaderSize + 4;
    private const int PolynomialBodyOffset = HeaderSize + 2;

    public static TheoryData<int, int[]> Shapes => new()
    {
        { 16, [20] },
        { 16, [61] },
        { 32, [30, 45] },
        { 64, [61, 40, 61] },
        { 1024, [60, 60, 60] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PublicKeyEncryptedCiphertext_RoundTripsExactly(int n, int[] bits)
    {
        var context = MakeContext(n, bits);
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey).Encrypt(MakePlaintext(context));

        byte[] bytes = CkksSerializer.Serialize(ciphertext);
        CkksCiphertext loaded = CkksSerializer.DeserializeCiphertext(context, bytes);

        Assert.Equal(1, bytes[0]);
        Assert.Equal(1, bytes[1]);
        Assert.Equal(CkksSerializer.GetSerializedSize(ciphertext), bytes.Length);
        Assert.True(loaded.C0.ContentEquals(ciphertext.C0));
        Assert.True(loaded.C1.ContentEquals(ciphertext.C1));
        Assert.Equal(ciphertext.Scale, loaded.Scale);
        Assert.Equal(ciphertext.Encoding, loaded.Encoding);
        Assert.True(loaded.C1Seed.IsEmpty);
        Assert.Equal(bytes, CkksSerializer.Serialize(loaded));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SecretKeyEncryptedCiphertext_RoundTripsWithSeedAtAboutHalfTheSize(
        int n, int[] bits)
    {
        var context = MakeContext(n, bits);
        using var secretKey = CkksSecretKey.Generate(context);
        CkksCiphertext ciphertext =
            new CkksEncryptor(secretKey).EncryptSymmetric(MakePlaintext(context, slots: true));
        Assert.False(ciphertext.C1Seed.IsEmpty);

        byte[] bytes = CkksSerializer.Serialize(ciphertext);
        CkksCiphertext loaded = CkksSerializer.DeserializeCiphertext(context, bytes);

        Assert.Equal(2, bytes[1]);
        Assert.True(loaded.C0.ContentEquals(ciphertext.C0));
        Assert.True(loaded.C1.ContentEquals(ciphertext.C1));
        Assert.Equal(ciphertext.C1Seed.ToArray(), loaded.C1Seed.ToArray());
        Assert.Equal(ciphertext.Scale, loaded.Scale);
        Assert.Equal(CkksEncoding.Slots, loaded.Encoding);
        Assert.Equal(bytes, CkksSerializer.Serialize(loaded));

        int packed = CkksSerializer.GetPolynomialPackedSize(context);
        Assert.Equal(CiphertextBodyOffset + packed + 32, bytes.Length);
        var unseeded = new CkksCiphertext(
            ciphertext.C0, ciphertext.C1, ciphertext.Scale, ciphertext.Encoding);
        Assert.Equal(
            CiphertextBodyOffset + (2 * packed), CkksSerializer.Serialize(unseeded).Length);
    }

    [Fact]
    public void SerializeIntoSpan_WritesTheSameBytesAndReturnsTheSize()
    {
        var context = MakeContext(64, [40, 50]);
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey).Encrypt(MakePlaintext(context));
        RnsPolynomial polynomial = RandomPolynomial(context, isNttForm: false, seed: 4);
        CkksDecryptionShare share = MakeShare(context, 3, [1, 3, 4]);

        AssertSpanMatches(CkksSerializer.Serialize(ciphertext),
            span => CkksSerializer.Serialize(ciphertext, span));
        AssertSpanMatches(CkksSerializer.Serialize(publicKey),
            span => CkksSerializer.Serialize(publicKey, span));
        AssertSpanMatches(CkksSerializer.SerializePolynomial(polynomial),
            span => CkksSerializer.SerializePolynomial(polynomial, span));
        AssertSpanMatches(CkksSerializer.Serialize(share),
            span => CkksSerializer.Serialize(share, span));
    }

    [Fact]
    public void SerializeIntoSpan_TooShort_ThrowsArgumentException()
    {
        var context = MakeContext(16, [30]);
        RnsPolynomial polynomial = RandomPolynomial(context, isNttForm: true, seed: 1);
        var destination = new byte[CkksSerializer.GetSerializedSize(polynomial) - 1];

        Assert.Throws<ArgumentException>(
            () => CkksSerializer.SerializePolynomial(polynomial, destination));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void PublicKey_RoundTripsWithSeedAndExpandedA(int n, int[] bits)
    {
        var context = MakeContext(n, bits);
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);

        byte[] bytes = CkksSerializer.Serialize(publicKey);
        CkksPublicKey loaded = CkksSerializer.DeserializePublicKey(context, bytes);

        Assert.Equal(3, bytes[1]);
        Assert.Equal(CkksSerializer.GetSerializedSize(publicKey), bytes.Length);
        Assert.True(loaded.B.ContentEquals(publicKey.B));
        Assert.True(loaded.A.ContentEquals(publicKey.A));
        Assert.Equal(publicKey.Seed.ToArray(), loaded.Seed.ToArray());
        Assert.Equal(bytes, CkksSerializer.Serialize(loaded));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Polynomial_RoundTripsInItsFormAndLevel(bool isNttForm, bool atKeyLevel)
    {
        foreach ((int n, int[] bits) in new (int, int[])[] { (16, [20, 61]), (256, [37, 59]) })
        {
            var context = MakeContext(n, bits, specialPrimeBits: 45);
            RnsPolynomial polynomial = RandomPolynomial(context, isNttForm, seed: n, atKeyLevel);
            polynomial.Residues(0)[0] = context.Moduli[0].Value - 1;
            polynomial.Residues(polynomial.ModulusCount - 1)[^1] =
                ModulusOfRow(context, polynomial.ModulusCount - 1).Value - 1;

            byte[] bytes = CkksSerializer.SerializePolynomial(polynomial);
            RnsPolynomial loaded = CkksSerializer.DeserializePolynomial(context, bytes);

            Assert.Equal(4, bytes[1]);
            Assert.Equal(isNttForm ? 1 : 0, bytes[HeaderSize]);
            Assert.Equal(atKeyLevel ? 1 : 0, bytes[HeaderSize + 1]);
            Assert.Equal(isNttForm, loaded.IsNttForm);
            Assert.Equal(atKeyLevel, loaded.IsKeyLevel);
            Assert.True(loaded.ContentEquals(polynomial));
            int totalBits = bits.Sum() + (atKeyLevel ? 45 : 0);
            Assert.Equal(PolynomialBodyOffset + (n * totalBits / 8), bytes.Length);
            Assert.Equal(
                n * totalBits / 8, CkksSerializer.GetPolynomialPackedSize(context, atKeyLevel));
        }
    }

    [Fact]
    public void PackedResidues_AreLittleEndianBitsAtThePrimeWidth()
    {
        var context = MakeContext(16, [20]);
        var polynomial = new RnsPolynomial(context, isNttForm: false);
        Span<ulong> row = polynomial.Residues(0);
        row[0] = 0xABCDE;
        row[1] = 0x12345;

        byte[] bytes = CkksSerializer.SerializePolynomial(polynomial);

        // 40 bits: 0xABCDE then 0x12345 above it, read as one little-endian integer.
        ulong expected = 0xABCDEUL | (0x12345UL << 20);
        Span<byte> first = bytes.AsSpan(PolynomialBodyOffset, 5);
        ulong actual = 0;
        for (int i = 4; i >= 0; i--)
        {
            actual = (actual << 8) | first[i];
        }

        Assert.Equal(expected, actual);
        Assert.All(bytes[(PolynomialBodyOffset + 5)..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void DecryptionShare_RoundTrips()
    {
        var context = MakeContext(128, [50, 55]);
        CkksDecryptionShare share = MakeShare(context, 7, [2, 7, 300, 65535]);

        byte[] bytes = CkksSerializer.Serialize(share);
        CkksDecryptionShare loaded = CkksSerializer.DeserializeDecryptionShare(context, bytes);

        Assert.Equal(5, bytes[1]);
        Assert.Equal(CkksSerializer.GetSerializedSize(share), bytes.Length);
        Assert.Equal(7, loaded.CustodianId);
        Assert.Equal([2, 7, 300, 65535], loaded.Participants);
        Assert.Equal(share.CiphertextDigest.ToArray(), loaded.CiphertextDigest.ToArray());
        Assert.True(loaded.Share.ContentEquals(share.Share));
        Assert.Equal(bytes, CkksSerializer.Serialize(loaded));
    }

    [Fact]
    public void Sizes_AtN8192WithThree60BitPrimes_AreExact()
    {
        var context = new CkksContext(CkksParameters.Create(8192, [60, 60, 60]));
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);
        CkksPlaintext plaintext = MakePlaintext(context);
        CkksCiphertext pkCiphertext = new CkksEncryptor(publicKey).Encrypt(plaintext);
        CkksCiphertext skCiphertext = new CkksEncryptor(secretKey).EncryptSymmetric(plaintext);
        const int Packed = 3 * 8192 * 60 / 8;

        Assert.Equal(184_320, Packed);
        Assert.Equal(Packed, CkksSerializer.GetPolynomialPackedSize(context));
        Assert.Equal(18 + 8 + 1 + (2 * Packed), CkksSerializer.Serialize(pkCiphertext).Length);
        Assert.Equal(368_667, CkksSerializer.GetSerializedSize(pkCiphertext));
        Assert.Equal(18 + 8 + 1 + Packed + 32, CkksSerializer.Serialize(skCiphertext).Length);

        // Create picks a special prime of the 218 - 180 = 38 bits the 128-bit bound leaves.
        const int KeyPacked = Packed + (8192 * 38 / 8);
        Assert.Equal(38, context.SpecialModulus.BitCount);
        Assert.Equal(KeyPacked, CkksSerializer.GetPolynomialPackedSize(context, true));
        Assert.Equal(18 + KeyPacked + 32, CkksSerializer.Serialize(publicKey).Length);
        Assert.Equal(223_282, CkksSerializer.GetSerializedSize(publicKey));
        Assert.Equal(
            18 + 2 + KeyPacked, CkksSerializer.SerializePolynomial(publicKey.B).Length);
        Assert.Equal(
            18 + 2 + Packed, CkksSerializer.SerializePolynomial(pkCiphertext.C0).Length);
        Assert.Equal(
            18 + 4 + (2 * 3) + 32 + Packed,
            CkksSerializer.Serialize(MakeShare(context, 2, [1, 2, 3])).Length);
    }

    [Fact]
    public void Deserialize_NullContext_ThrowsArgumentNullException()
    {
        byte[] bytes = new byte[64];

        Assert.Throws<ArgumentNullException>(
            () => CkksSerializer.DeserializeCiphertext(null!, bytes));
        Assert.Throws<ArgumentNullException>(
            () => CkksSerializer.DeserializePublicKey(null!, bytes));
        Assert.Throws<ArgumentNullException>(
            () => CkksSerializer.DeserializePolynomial(null!, bytes));
        Assert.Throws<ArgumentNullException>(
            () => CkksSerializer.DeserializeDecryptionShare(null!, bytes));
    }

    [Fact]
    public void Serialize_NullArgument_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => CkksSerializer.Serialize((CkksCiphertext)null!));
        Assert.Throws<ArgumentNullException>(() => CkksSerializer.Serialize((CkksPublicKey)null!));
        Assert.Throws<ArgumentNullException>(() => CkksSerializer.SerializePolynomial(null!));
        Assert.Throws<ArgumentNullException>(
            () => CkksSerializer.Serialize((CkksDecryptionShare)null!));
        Assert.Throws<ArgumentNullException>(() => CkksSerializer.GetPolynomialPackedSize(null!));
    }

    [Fact]
    public void DeserializeCiphertext_TruncatedOrExtended_IsRejected()
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        byte[] seeded = SmallSkCiphertext(context);

        foreach (byte[] valid in new[] { bytes, seeded })
        {
            foreach (int length in new[] { 0, 1, HeaderSize - 1, HeaderSize, 26, valid.Length - 1 })
            {
                AssertRejected(() => CkksSerializer.DeserializeCiphertext(
                    context, valid.AsSpan(0, length)));
            }

            byte[] extended = [.. valid, 0];
            FormatException error = AssertRejected(
                () => CkksSerializer.DeserializeCiphertext(context, extended));
            Assert.Contains("bytes", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deserialize_Version2_IsRejected()
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        bytes[0] = 2;

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(context, bytes));
        Assert.Contains("version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_WrongKindForTheMethod_IsRejected()
    {
        var context = MakeContext(32, [40]);
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);
        byte[] keyBytes = CkksSerializer.Serialize(publicKey);
        byte[] ciphertextBytes = CkksSerializer.Serialize(
            new CkksEncryptor(publicKey).Encrypt(MakePlaintext(context)));
        byte[] polynomialBytes = CkksSerializer.SerializePolynomial(publicKey.B);
        byte[] shareBytes = CkksSerializer.Serialize(MakeShare(context, 1, [1, 2]));

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(context, keyBytes));
        Assert.Contains("public key", error.Message, StringComparison.Ordinal);
        AssertRejected(() => CkksSerializer.DeserializePublicKey(context, ciphertextBytes));
        AssertRejected(() => CkksSerializer.DeserializePolynomial(context, shareBytes));
        AssertRejected(() => CkksSerializer.DeserializeDecryptionShare(context, polynomialBytes));

        // Kind 4 relabelled as 3 has a plausible header but the wrong length.
        polynomialBytes[1] = 3;
        AssertRejected(() => CkksSerializer.DeserializePublicKey(context, polynomialBytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(255)]
    public void Deserialize_UnknownKind_IsRejected(byte kind)
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        bytes[1] = kind;

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(context, bytes));
        Assert.Contains("Unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_OtherParametersId_IsRejected()
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        var other = MakeContext(16, [31]);
        Assert.NotEqual(context.Parameters, other.Parameters);

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(other, bytes));
        Assert.Contains("parameters", error.Message, StringComparison.Ordinal);

        other.Parameters.ParameterId.CopyTo(bytes.AsSpan(2));
        AssertRejected(() => CkksSerializer.DeserializeCiphertext(context, bytes));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(0.5)]
    [InlineData(0.0)]
    [InlineData(-4.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void DeserializeCiphertext_BadScale_IsRejected(double scale)
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(HeaderSize), scale);

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(context, bytes));
        Assert.Contains("scale", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(7)]
    public void DeserializeCiphertext_UnknownEncoding_IsRejected(byte encoding)
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        bytes[HeaderSize + 8] = encoding;

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(context, bytes));
        Assert.Contains("encoding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeCiphertext_ResidueEqualToItsPrime_IsRejected()
    {
        (CkksContext context, byte[] bytes) = SmallPkCiphertext();
        Modulus modulus = context.Moduli[0];
        WriteFirstResidue(bytes.AsSpan(CiphertextBodyOffset), modulus.BitCount, modulus.Value);

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeCiphertext(context, bytes));
        Assert.Contains("prime", error.Message, StringComparison.Ordinal);

        // q - 1 in the same place is canonical and loads.
        WriteFirstResidue(bytes.AsSpan(CiphertextBodyOffset), modulus.BitCount, modulus.Value - 1);
        Assert.Equal(
            modulus.Value - 1,
            CkksSerializer.DeserializeCiphertext(context, bytes).C0.Residues(0)[0]);
    }

    [Fact]
    public void DeserializePolynomial_ResidueAboveItsPrimeInALaterRow_IsRejected()
    {
        var context = MakeContext(16, [30, 41]);
        RnsPolynomial polynomial = RandomPolynomial(context, isNttForm: false, seed: 9);
        byte[] bytes = CkksSerializer.SerializePolynomial(polynomial);

        // The last residue of row 1 is the top 41 bits of the data: set them all.
        int rowStart = PolynomialBodyOffset + (16 * 30 / 8);
        int rowBytes = 16 * 41 / 8;
        bytes.AsSpan(rowStart + rowBytes - 6).Fill(0xFF);

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializePolynomial(context, bytes));
        Assert.Contains("Row 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public void DeserializePolynomial_BadFormByte_IsRejected(byte form)
    {
        var context = MakeContext(16, [30]);
        byte[] bytes = CkksSerializer.SerializePolynomial(
            RandomPolynomial(context, isNttForm: true, seed: 2));
        bytes[HeaderSize] = form;

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializePolynomial(context, bytes));
        Assert.Contains("form", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(128)]
    public void DeserializePolynomial_BadLevelByte_IsRejected(byte level)
    {
        var context = MakeContext(16, [30]);
        byte[] bytes = CkksSerializer.SerializePolynomial(
            RandomPolynomial(context, isNttForm: true, seed: 2));
        bytes[HeaderSize + 1] = level;

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializePolynomial(context, bytes));
        Assert.Contains("level", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializePolynomial_LevelByteDisagreeingWithLength_IsRejected()
    {
        var context = MakeContext(16, [30]);
        byte[] bytes = CkksSerializer.SerializePolynomial(
            RandomPolynomial(context, isNttForm: true, seed: 2));
        bytes[HeaderSize + 1] = 1;

        AssertRejected(() => CkksSerializer.DeserializePolynomial(context, bytes));
    }

    [Fact]
    public void Serialize_ShareModuloQP_ThrowsArgumentException()
    {
        var context = MakeContext(16, [30]);
        var share = new CkksDecryptionShare(
            1, [1], new byte[32], RandomPolynomial(context, true, seed: 3, atKeyLevel: true));

        Assert.Throws<ArgumentException>(() => CkksSerializer.Serialize(share));
    }

    [Theory]
    [InlineData(new[] { 5, 2, 9 }, "ascending")]
    [InlineData(new[] { 2, 2, 9 }, "ascending")]
    [InlineData(new[] { 2, 9, 9 }, "ascending")]
    [InlineData(new[] { 0, 5, 9 }, "ascending")]
    [InlineData(new[] { 2, 6, 9 }, "not among")]
    public void DeserializeDecryptionShare_BadParticipants_AreRejected(
        int[] participants, string reason)
    {
        var context = MakeContext(16, [30]);
        byte[] bytes = CkksSerializer.Serialize(MakeShare(context, 5, [2, 5, 9]));
        for (int i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(
                bytes.AsSpan(ShareParticipantsOffset + (2 * i)), (ushort)participants[i]);
        }

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeDecryptionShare(context, bytes));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeDecryptionShare_NoParticipants_IsRejected()
    {
        var context = MakeContext(16, [30]);
        byte[] valid = CkksSerializer.Serialize(MakeShare(context, 5, [5]));
        byte[] bytes =
            [.. valid[..ShareParticipantsOffset], .. valid[(ShareParticipantsOffset + 2)..]];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(HeaderSize + 2), 0);

        FormatException error = AssertRejected(
            () => CkksSerializer.DeserializeDecryptionShare(context, bytes));
        Assert.Contains("no participants", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeserializeDecryptionShare_CustodianZero_IsRejected()
    {
        var context = MakeContext(16, [30]);
        byte[] bytes = CkksSerializer.Serialize(MakeShare(context, 5, [5]));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(HeaderSize), 0);

        AssertRejected(() => CkksSerializer.DeserializeDecryptionShare(context, bytes));
    }

    [Fact]
    public void DeserializeDecryptionShare_CountDisagreeingWithLength_IsRejected()
    {
        var context = MakeContext(16, [30]);
        byte[] bytes = CkksSerializer.Serialize(MakeShare(context, 5, [2, 5]));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(HeaderSize + 2), 65535);

        AssertRejected(() => CkksSerializer.DeserializeDecryptionShare(context, bytes));
        AssertRejected(() => CkksSerializer.DeserializeDecryptionShare(
            context, bytes.AsSpan(0, HeaderSize + 3)));
    }

    [Fact]
    public void SerializeDecryptionShare_IdsTheFormatCannotHold_ThrowArgumentException()
    {
        var context = MakeContext(16, [30]);

        Assert.Throws<ArgumentException>(
            () => CkksSerializer.Serialize(MakeShare(context, 5, [5, 5])));
        Assert.Throws<ArgumentException>(
            () => CkksSerializer.Serialize(MakeShare(context, 0, [0, 1])));
        Assert.Throws<ArgumentException>(
            () => CkksSerializer.Serialize(MakeShare(context, 65536, [1, 65536])));
    }

    [Fact]
    public void Deserialize_RandomCorruption_OnlyEverThrowsFormatException()
    {
        var context = MakeContext(16, [20, 61]);
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);
        var inputs = new (byte[] Bytes, Action<byte[]> Read)[]
        {
            (CkksSerializer.Serialize(new CkksEncryptor(publicKey).Encrypt(MakePlaintext(context))),
                b => CkksSerializer.DeserializeCiphertext(context, b)),
            (CkksSerializer.Serialize(
                    new CkksEncryptor(secretKey).EncryptSymmetric(MakePlaintext(context))),
                b => CkksSerializer.DeserializeCiphertext(context, b)),
            (CkksSerializer.Serialize(publicKey),
                b => CkksSerializer.DeserializePublicKey(context, b)),
            (CkksSerializer.SerializePolynomial(publicKey.B),
                b => CkksSerializer.DeserializePolynomial(context, b)),
            (CkksSerializer.Serialize(MakeShare(context, 3, [1, 3, 8])),
                b => CkksSerializer.DeserializeDecryptionShare(context, b)),
        };

        var random = new Random(1234);
        foreach ((byte[] valid, Action<byte[]> read) in inputs)
        {
            for (int trial = 0; trial < 300; trial++)
            {
                byte[] bytes = Mutate(valid, random);
                Exception? error = Record.Exception(() => read(bytes));
                Assert.True(
                    error is null or FormatException,
                    $"Unexpected {error?.GetType().Name}: {error?.Message}");
            }
        }
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return valid[..random.Next(valid.Length)];
            case 1:
            {
                var longer = new byte[valid.Length + random.Next(1, 40)];
                valid.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(valid.Length));
                return longer;
            }

            case 2:
            {
                byte[] copy = (byte[])valid.Clone();
                int position = random.Next(Math.Min(copy.Length, 40));
                copy[position] = (byte)random.Next(256);
                return copy;
            }

            default:
            {
                byte[] copy = (byte[])valid.Clone();
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                return copy;
            }
        }
    }

    private static FormatException AssertRejected(Action read) =>
        Assert.Throws<FormatException>(read);

    private static void AssertSpanMatches(byte[] expected, Func<byte[], int> write)
    {
        var destination = new byte[expected.Length + 5];
        int written = write(destination);

        Assert.Equal(expected.Length, written);
        Assert.Equal(expected, destination[..written]);
        Assert.All(destination[written..], b => Assert.Equal(0, b));
    }

    private static void WriteFirstResidue(Span<byte> packed, int bits, ulong value)
    {
        // Read the first 8 bytes, replace the low bits, write them back.
        ulong word = BinaryPrimitives.ReadUInt64LittleEndian(packed);
        ulong mask = (1UL << bits) - 1;
        word = (word & ~mask) | value;
        BinaryPrimitives.WriteUInt64LittleEndian(packed, word);
    }

    private static (CkksContext Context, byte[] Bytes) SmallPkCiphertext()
    {
        var context = MakeContext(16, [30]);
        using var secretKey = CkksSecretKey.Generate(context);
        var publicKey = CkksPublicKey.Generate(secretKey);
        CkksCiphertext ciphertext = new CkksEncryptor(publicKey).Encrypt(MakePlaintext(context));
        return (context, CkksSerializer.Serialize(ciphertext));
    }

    private static byte[] SmallSkCiphertext(CkksContext context)
    {
        using var secretKey = CkksSecretKey.Generate(context);
        return CkksSerializer.Serialize(
            new CkksEncryptor(secretKey).EncryptSymmetric(MakePlaintext(context)));
    }

    private static CkksContext MakeContext(int n, int[] bits, int specialPrimeBits = 40) =>
        new(CkksParameters.UnsafeCreateWithoutSecurityCheck(n, bits, specialPrimeBits));

    private static Modulus ModulusOfRow(CkksContext context, int row) =>
        row < context.ModulusCount ? context.Moduli[row] : context.SpecialModulus;

    private static CkksPlaintext MakePlaintext(CkksContext context, bool slots = false)
    {
        var random = new Random(context.RingDegree);
        var coefficients = new long[context.RingDegree];
        for (int i = 0; i < coefficients.Length; i++)
        {
            coefficients[i] = random.Next(-1000, 1000);
        }

        var polynomial = new RnsPolynomial(context, isNttForm: false);
        polynomial.SetSmallCoefficients(coefficients);
        polynomial.ToNttForm();
        return new CkksPlaintext(
            polynomial, 1 << 20, slots ? CkksEncoding.Slots : CkksEncoding.Coefficients);
    }

    private static RnsPolynomial RandomPolynomial(
        CkksContext context, bool isNttForm, int seed, bool atKeyLevel = false)
    {
        var random = new Random(seed);
        var polynomial = new RnsPolynomial(context, isNttForm, atKeyLevel);
        for (int i = 0; i < polynomial.ModulusCount; i++)
        {
            ulong q = ModulusOfRow(context, i).Value;
            Span<ulong> row = polynomial.Residues(i);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = (ulong)random.NextInt64((long)q);
            }
        }

        return polynomial;
    }

    private static CkksDecryptionShare MakeShare(CkksContext context, int custodian, int[] set)
    {
        var digest = new byte[32];
        new Random(custodian).NextBytes(digest);
        return new CkksDecryptionShare(
            custodian, set, digest, RandomPolynomial(context, isNttForm: true, seed: custodian));
    }
}
