using SecureFed.Crypto.Kdf;

namespace SecureFed.Crypto.Tests.Kdf;

public class HkdfSha256Tests
{
    [Fact]
    public void DeriveKey_MatchesRfc5869TestCase1()
    {
        var ikm = Enumerable.Repeat((byte)0x0b, 22).ToArray();
        var salt = Convert.FromHexString("000102030405060708090a0b0c");
        var info = Convert.FromHexString("f0f1f2f3f4f5f6f7f8f9");
        var okm = new byte[42];

        HkdfSha256.DeriveKey(ikm, salt, info, okm);

        Assert.Equal(
            Convert.FromHexString(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
            okm);
    }

    [Fact]
    public void DeriveKey_RejectsEmptyAndOversizedOutputs()
    {
        Assert.Throws<ArgumentException>(() => HkdfSha256.DeriveKey([1], [], [], []));
        Assert.Throws<ArgumentException>(() => HkdfSha256.DeriveKey([1], [], [], new byte[8161]));
    }
}
