using System.Security.Cryptography;
using SecureFed.Crypto.Aead;

namespace SecureFed.Crypto.Tests.Aead;

public class AesGcmKeyTests
{
    private static readonly byte[] Plaintext = "a Shamir share, for example"u8.ToArray();
    private static readonly byte[] AssociatedData = "session||round||sender||recipient"u8.ToArray();

    [Fact]
    public void SealThenOpen_ReturnsThePlaintext()
    {
        using var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        var box = key.Seal(Plaintext, AssociatedData);
        var opened = new byte[box.Length - AesGcmKey.Overhead];

        key.Open(box, AssociatedData, opened);

        Assert.Equal(Plaintext, opened);
        Assert.Equal(Plaintext.Length + AesGcmKey.Overhead, box.Length);
    }

    [Fact]
    public void Seal_UsesAFreshNonceEachTime()
    {
        using var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));

        Assert.NotEqual(key.Seal(Plaintext, AssociatedData), key.Seal(Plaintext, AssociatedData));
    }

    [Theory]
    [InlineData(0)]                          // nonce
    [InlineData(AesGcmKey.NonceSize + 3)]    // ciphertext
    [InlineData(-1)]                         // tag (last byte)
    public void Open_RejectsATamperedBox_AndClearsTheOutput(int position)
    {
        using var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        var box = key.Seal(Plaintext, AssociatedData);
        box[position < 0 ? box.Length + position : position] ^= 0x01;
        var opened = Enumerable.Repeat((byte)0xAA, box.Length - AesGcmKey.Overhead).ToArray();

        // Exactly CryptographicException: the failure does not say which part was wrong.
        Assert.Throws<CryptographicException>(() => key.Open(box, AssociatedData, opened));
        Assert.All(opened, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Open_RejectsOtherAssociatedData()
    {
        using var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        var box = key.Seal(Plaintext, AssociatedData);
        var other = (byte[])AssociatedData.Clone();
        other[^1] ^= 0x80;

        Assert.ThrowsAny<CryptographicException>(() => key.Open(box, other, new byte[Plaintext.Length]));
    }

    [Fact]
    public void Open_RejectsAnotherKey()
    {
        using var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        using var wrong = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        var box = key.Seal(Plaintext, AssociatedData);

        Assert.ThrowsAny<CryptographicException>(() => wrong.Open(box, AssociatedData, new byte[Plaintext.Length]));
    }

    [Fact]
    public void Open_RejectsTruncatedBoxesAndWrongOutputSizes()
    {
        using var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        var box = key.Seal(Plaintext, AssociatedData);

        Assert.ThrowsAny<CryptographicException>(() => key.Open(box.AsSpan(0, 20), AssociatedData, []));
        Assert.ThrowsAny<CryptographicException>(() => key.Open(box, AssociatedData, new byte[Plaintext.Length + 1]));
    }

    [Fact]
    public void Constructor_RejectsKeysThatAreNot32Bytes()
    {
        Assert.Throws<ArgumentException>(() => new AesGcmKey(new byte[16]));
    }

    [Fact]
    public void Open_AfterDispose_Throws()
    {
        var key = new AesGcmKey(RandomNumberGenerator.GetBytes(32));
        var box = key.Seal(Plaintext, AssociatedData);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Open(box, AssociatedData, new byte[Plaintext.Length]));
    }
}
