using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Tests.Identity;

public class ParticipantIdentityTests
{
    [Theory]
    [InlineData(ParticipantRole.Client, "st-olav", "urn:securefed:client:st-olav")]
    [InlineData(ParticipantRole.Custodian, "custodian.1", "urn:securefed:custodian:custodian.1")]
    [InlineData(ParticipantRole.Appliance, "appliance", "urn:securefed:appliance:appliance")]
    [InlineData(ParticipantRole.Operator, "0ps", "urn:securefed:operator:0ps")]
    public void ToUri_ThenParseUri_RoundTrips(ParticipantRole role, string name, string uri)
    {
        var identity = new ParticipantIdentity(role, name);

        Assert.Equal(uri, identity.ToUri());
        Assert.Equal(identity, ParticipantIdentity.ParseUri(uri));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Alice")]
    [InlineData("-alice")]
    [InlineData(".alice")]
    [InlineData("alice bob")]
    [InlineData("alice:bob")]
    [InlineData("alice/bob")]
    [InlineData("ålice")]
    public void Constructor_BadName_ThrowsArgumentExceptionNamingTheRule(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new ParticipantIdentity(ParticipantRole.Client, name));

        Assert.Equal("name", e.ParamName);
        Assert.Contains("name", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Constructor_NameOf65Characters_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ParticipantIdentity(ParticipantRole.Client, new string('a', 65)));
        Assert.Equal(64, new ParticipantIdentity(ParticipantRole.Client, new string('a', 64)).Name.Length);
    }

    [Fact]
    public void Constructor_UndefinedRole_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParticipantIdentity((ParticipantRole)17, "a"));
    }

    [Theory]
    [InlineData("urn:other:client:a", "must start with")]
    [InlineData("urn:securefed:client", "form")]
    [InlineData("urn:securefed:admin:a", "Unknown role 'admin'")]
    [InlineData("urn:securefed:Client:a", "Unknown role")]
    [InlineData("urn:securefed:client:A", "lowercase")]
    [InlineData("urn:securefed:client:", "1 to 64")]
    [InlineData("urn:securefed:client:a:b", "only lowercase")]
    public void ParseUri_Malformed_ThrowsFormatExceptionSayingWhy(string uri, string reason)
    {
        var e = Assert.Throws<FormatException>(() => ParticipantIdentity.ParseUri(uri));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.False(ParticipantIdentity.TryParseUri(uri, out _));
    }

    [Fact]
    public void TryParseRole_AcceptsOnlyLowercaseRoleNames()
    {
        Assert.True(ParticipantIdentity.TryParseRole("custodian", out var role));
        Assert.Equal(ParticipantRole.Custodian, role);
        Assert.False(ParticipantIdentity.TryParseRole("Custodian", out _));
        Assert.False(ParticipantIdentity.TryParseRole("root", out _));
        Assert.False(ParticipantIdentity.TryParseRole(null, out _));
    }
}
