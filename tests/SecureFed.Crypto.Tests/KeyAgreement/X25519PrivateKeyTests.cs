using System.Security.Cryptography;
using SecureFed.Crypto.KeyAgreement;

namespace SecureFed.Crypto.Tests.KeyAgreement;

public class X25519PrivateKeyTests
{
    // RFC 7748, section 6.1.
    private static readonly byte[] AlicePrivate =
        Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static readonly byte[] AlicePublic =
        Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static readonly byte[] BobPrivate =
        Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static readonly byte[] BobPublic =
        Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static readonly byte[] SharedSecret =
        Convert.FromHexString("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    [Fact]
    public void PublicKeys_MatchRfc7748()
    {
        using var alice = X25519PrivateKey.Import(AlicePrivate);
        using var bob = X25519PrivateKey.Import(BobPrivate);

        Assert.Equal(AlicePublic, alice.PublicKey);
        Assert.Equal(BobPublic, bob.PublicKey);
    }

    [Fact]
    public void DeriveSharedKey_IsHkdfOfTheRfc7748SharedSecret_FromBothSides()
    {
        using var alice = X25519PrivateKey.Import(AlicePrivate);
        using var bob = X25519PrivateKey.Import(BobPrivate);
        byte[] salt = [1, 2, 3];
        byte[] info = "securefed test"u8.ToArray();
        var expected = HKDF.DeriveKey(HashAlgorithmName.SHA256, SharedSecret, 32, salt, info);
        var fromAlice = new byte[32];
        var fromBob = new byte[32];

        alice.DeriveSharedKey(BobPublic, salt, info, fromAlice);
        bob.DeriveSharedKey(AlicePublic, salt, info, fromBob);

        Assert.Equal(expected, fromAlice);
        Assert.Equal(expected, fromBob);
    }

    [Fact]
    public void DeriveSharedKey_RejectsSmallOrderPublicKeys()
    {
        using var key = X25519PrivateKey.Generate();

        // The all-zero point and the point of order 1 give an all-zero agreement.
        Assert.Throws<CryptographicException>(() => key.DeriveSharedKey(new byte[32], [], [], new byte[32]));
        var one = new byte[32];
        one[0] = 1;
        Assert.Throws<CryptographicException>(() => key.DeriveSharedKey(one, [], [], new byte[32]));
    }

    [Fact]
    public void DeriveSharedKey_RejectsMalformedPublicKeys()
    {
        using var key = X25519PrivateKey.Generate();

        Assert.Throws<CryptographicException>(() => key.DeriveSharedKey(new byte[31], [], [], new byte[32]));
    }

    [Fact]
    public void ExportThenImport_GivesTheSameKey()
    {
        using var key = X25519PrivateKey.Generate();
        var secret = new byte[32];
        key.ExportSecret(secret);
        using var copy = X25519PrivateKey.Import(secret);

        Assert.Equal(key.PublicKey, copy.PublicKey);
    }

    [Fact]
    public void ToString_ShowsOnlyThePublicKey()
    {
        using var key = X25519PrivateKey.Import(AlicePrivate);

        Assert.DoesNotContain(Convert.ToHexString(AlicePrivate), key.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Convert.ToHexString(AlicePublic), key.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Dispose_BlocksFurtherUse()
    {
        var key = X25519PrivateKey.Generate();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.ExportSecret(new byte[32]));
        Assert.Throws<ObjectDisposedException>(() => key.DeriveSharedKey(BobPublic, [], [], new byte[32]));
    }
}
