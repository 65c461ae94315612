using System.Text;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Contributions;

namespace SecureFed.Protocol.Tests.Contributions;

public class ContributionStatementTests
{
    private static readonly byte[] FederationId = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] Root = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    private static ContributionStatement Statement(
        ulong round = 7, uint clientId = 42, byte mode = ContributionStatement.MaskMode, long length = 123_456) =>
        new(FederationId, round, clientId, mode, length, Root);

    [Fact]
    public void Encode_OpensWithTheDomainAndIsDeterministic()
    {
        var encoded = Statement().Encode();
        var domain = Encoding.ASCII.GetBytes(ContributionStatement.Domain);

        Assert.Equal(domain.Length, encoded[3]);
        Assert.Equal(domain, encoded[4..(4 + domain.Length)]);
        Assert.Equal(encoded, Statement().Encode());
        Assert.Equal(Statement(), Statement());
    }

    [Fact]
    public void Verify_AcceptsTheClientsSignature()
    {
        using var client = Ed25519PrivateKey.Generate();
        var statement = Statement();

        Assert.True(statement.Verify(client.PublicKey, statement.Sign(client)));
    }

    [Fact]
    public void Verify_RejectsAnotherKeyOrAnyChangedField()
    {
        using var client = Ed25519PrivateKey.Generate();
        using var other = Ed25519PrivateKey.Generate();
        var signature = Statement().Sign(client);
        var otherFederation = (byte[])FederationId.Clone();
        otherFederation[0] ^= 1;
        var otherRoot = (byte[])Root.Clone();
        otherRoot[31] ^= 1;

        Assert.False(Statement().Verify(other.PublicKey, signature));
        Assert.False(Statement(round: 8).Verify(client.PublicKey, signature));
        Assert.False(Statement(clientId: 43).Verify(client.PublicKey, signature));
        Assert.False(Statement(mode: ContributionStatement.HeMode).Verify(client.PublicKey, signature));
        Assert.False(Statement(length: 123_457).Verify(client.PublicKey, signature));
        Assert.False(new ContributionStatement(otherFederation, 7, 42, 1, 123_456, Root)
            .Verify(client.PublicKey, signature));
        Assert.False(new ContributionStatement(FederationId, 7, 42, 1, 123_456, otherRoot)
            .Verify(client.PublicKey, signature));
        Assert.False(Statement().Verify(client.PublicKey, signature.AsSpan(0, 63)));
    }

    [Fact]
    public void Constructor_RejectsMalformedFields()
    {
        Assert.Throws<ArgumentException>(() => new ContributionStatement(new byte[15], 1, 1, 1, 0, Root));
        Assert.Throws<ArgumentException>(() => new ContributionStatement(FederationId, 1, 1, 3, 0, Root));
        Assert.Throws<ArgumentException>(() => new ContributionStatement(FederationId, 1, 1, 0, 0, Root));
        Assert.Throws<ArgumentException>(() => new ContributionStatement(FederationId, 1, 1, 1, -1, Root));
        Assert.Throws<ArgumentException>(() => new ContributionStatement(FederationId, 1, 1, 1, 0, new byte[31]));
    }

    [Fact]
    public void For_TakesLengthAndRootFromTheDigest()
    {
        var hasher = new ContributionHasher();
        hasher.Append(new byte[5000]);
        var digest = hasher.Finish();

        var statement = ContributionStatement.For(FederationId, 3, 9, ContributionStatement.HeMode, digest);

        Assert.Equal(5000, statement.TotalLength);
        Assert.Equal(digest.Root, statement.Root.ToArray());
    }
}
