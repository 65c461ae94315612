using SecureFed.Crypto.Signatures;

namespace SecureFed.Crypto.Tests.Signatures;

public class Ed25519Tests
{
    // RFC 8032, section 7.1, TEST 1 (empty message).
    private static readonly byte[] Secret =
        Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static readonly byte[] Public =
        Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static readonly byte[] Signature = Convert.FromHexString(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155" +
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    [Fact]
    public void Sign_MatchesRfc8032Test1()
    {
        using var key = Ed25519PrivateKey.Import(Secret);

        Assert.Equal(Public, key.PublicKey.Bytes.ToArray());
        Assert.Equal(Signature, key.Sign([]));
        Assert.True(key.PublicKey.Verify([], Signature));
    }

    [Fact]
    public void Verify_RejectsAnotherMessage_ATamperedSignature_AndAnotherKey()
    {
        using var key = Ed25519PrivateKey.Generate();
        using var other = Ed25519PrivateKey.Generate();
        var message = "survivor set"u8.ToArray();
        var signature = key.Sign(message);
        var tampered = (byte[])signature.Clone();
        tampered[5] ^= 0x10;

        Assert.True(key.PublicKey.Verify(message, signature));
        Assert.False(key.PublicKey.Verify("survivor sex"u8, signature));
        Assert.False(key.PublicKey.Verify(message, tampered));
        Assert.False(other.PublicKey.Verify(message, signature));
        Assert.False(key.PublicKey.Verify(message, signature.AsSpan(0, 63)));
    }

    [Fact]
    public void Import_RejectsKeysThatAreNotValidPoints()
    {
        Assert.Throws<FormatException>(() => Ed25519PublicKey.Import(new byte[31]));

        // y = 2 is not the y-coordinate of any point on the curve.
        var notOnCurve = new byte[32];
        notOnCurve[0] = 2;
        Assert.Throws<FormatException>(() => Ed25519PublicKey.Import(notOnCurve));
    }

    [Fact]
    public void PrivateKey_ToStringShowsNoSecret()
    {
        using var key = Ed25519PrivateKey.Import(Secret);

        Assert.DoesNotContain(Convert.ToHexString(Secret), key.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
