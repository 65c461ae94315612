using System.Security.Cryptography;
using Google.Protobuf;
using SecureFed.Client.Participation;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Tests.Participation;

/// <summary>
/// Threat model S7: an HE client encrypts only under a collective key that every custodian
/// of the ceremony confirmed with its enrolled signing key, which the client checks against
/// the federation CA itself. Each test plays a malicious appliance with a fake gRPC client and
/// shows that the client refuses and uploads nothing.
/// </summary>
public sealed class HeRoundParticipantKeyTests(HeCeremonyFixture fixture) : IClassFixture<HeCeremonyFixture>
{
    private readonly ulong[] _input = [.. Enumerable.Range(1, HeCeremonyFixture.Dimension).Select(i => (ulong)i)];

    [Fact]
    public async Task RunAsync_HonestCeremony_EncryptsAndUploads()
    {
        var rounds = new FakeHeRounds(fixture.HonestJoin(), fixture.CollectiveKey);

        var result = await Run(rounds);

        Assert.NotNull(result);
        Assert.True(result.Completed);
        Assert.Equal(1, rounds.UploadsOpened);
        Assert.True(rounds.UploadMessages > 1);
    }

    [Fact]
    public async Task RunAsync_SubstitutedKeyUnderCustodiansHash_RefusesAndUploadsNothing()
    {
        var rounds = new FakeHeRounds(fixture.HonestJoin(), FreshKey());

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("not the key the custodians confirmed", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_SubstitutedKeyWithMatchingHash_RefusesAndUploadsNothing()
    {
        byte[] substitute = FreshKey();
        var joined = fixture.HonestJoin();
        joined.He.CollectiveKeyHash = ByteString.CopyFrom(SHA256.HashData(substitute));
        var rounds = new FakeHeRounds(joined, substitute);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("bad signature", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, rounds.KeyDownloads);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_ApplianceRanCeremonyWithRealCustodiansKeysListed_RefusesAndUploadsNothing()
    {
        // The appliance plays every custodian with keys of its own: a well-formed ceremony and
        // confirmations, but not signed by the enrolled custodians.
        var rogue = RogueCeremony();
        var joined = Join(rogue.Setup, rogue.Hash, rogue.Confirmations, fixture.CustodianKeys);
        var rounds = new FakeHeRounds(joined, rogue.Key);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("bad signature", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_ConfirmationsSignedByClientsNotCustodians_RefusesAndUploadsNothing()
    {
        // The rogue keys are enrolled in the federation, but as clients (say, colluding ones).
        var rogue = RogueCeremony();
        var keys = rogue.SigningKeys.Select(p => fixture.Enroll(
            ParticipantRole.Client, $"colluder-{p.Key}", p.Key, p.Value)).ToArray();
        var rounds = new FakeHeRounds(Join(rogue.Setup, rogue.Hash, rogue.Confirmations, keys), rogue.Key);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("not a federation Custodian certificate", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_CustodianCertificatesFromAnotherCa_RefusesAndUploadsNothing()
    {
        var rogue = RogueCeremony();
        using var otherFederation = new HeCeremonyFixture();
        var keys = rogue.SigningKeys.Select(p => otherFederation.Enroll(
            ParticipantRole.Custodian, $"custodian-{p.Key}", p.Key, p.Value)).ToArray();
        var rounds = new FakeHeRounds(Join(rogue.Setup, rogue.Hash, rogue.Confirmations, keys), rogue.Key);

        await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_ExtraConfirmationFromNonCustodian_RefusesAndUploadsNothing()
    {
        var joined = fixture.HonestJoin();
        joined.He.Confirmations.Add(new KeyConfirmation
        {
            CustodianId = HeCeremonyFixture.ClientId,
            Signature = joined.He.Confirmations[0].Signature,
        });
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("not a custodian of the ceremony", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_ForgedConfirmationSignature_RefusesAndUploadsNothing()
    {
        var joined = fixture.HonestJoin();
        byte[] forged = joined.He.Confirmations[1].Signature.ToByteArray();
        forged[7] ^= 0x01;
        joined.He.Confirmations[1].Signature = ByteString.CopyFrom(forged);
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("bad signature", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_MissingConfirmation_RefusesAndUploadsNothing()
    {
        var joined = fixture.HonestJoin();
        joined.He.Confirmations.RemoveAt(2);
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("did not confirm", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_DuplicatedConfirmation_RefusesAndUploadsNothing()
    {
        var joined = fixture.HonestJoin();
        joined.He.Confirmations[2] = joined.He.Confirmations[1].Clone();
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_CustodianDroppedFromCeremony_RefusesAndUploadsNothing()
    {
        // Naming fewer custodians changes the setup hash every confirmation signed.
        var joined = fixture.HonestJoin();
        joined.He.Ceremony.CustodianIds.RemoveAt(2);
        joined.He.Confirmations.RemoveAt(2);
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("bad signature", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_NoCeremonyInSetup_RefusesAndUploadsNothing()
    {
        var joined = fixture.HonestJoin();
        joined.He.Ceremony = null;
        joined.He.Confirmations.Clear();
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("carries no key ceremony", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    [Fact]
    public async Task RunAsync_CustodianEnrolledKeyMissing_RefusesAndUploadsNothing()
    {
        var joined = fixture.HonestJoin();
        joined.He.Ceremony.CustodianKeys.RemoveAt(0);
        var rounds = new FakeHeRounds(joined, fixture.CollectiveKey);

        var refused = await Assert.ThrowsAsync<ProtocolViolationException>(() => Run(rounds));

        Assert.Contains("no enrolled key", refused.Message, StringComparison.Ordinal);
        AssertNothingUploaded(rounds);
    }

    private Task<RoundResult?> Run(FakeHeRounds rounds) =>
        HeRoundParticipant.RunAsync(rounds, fixture.Credentials, fixture.Context, fixture.Task, _input);

    private static void AssertNothingUploaded(FakeHeRounds rounds)
    {
        Assert.Equal(0, rounds.UploadsOpened);
        Assert.Equal(0, rounds.UploadMessages);
    }

    private byte[] FreshKey()
    {
        using var secret = CkksSecretKey.Generate(fixture.Context);
        return CkksSerializer.Serialize(CkksPublicKey.Generate(secret));
    }

    private static JoinRoundResponse Join(
        Protocol.He.Messages.CeremonySetup setup,
        byte[] hash,
        IEnumerable<Protocol.He.Messages.CustodianKeyConfirmation> confirmations,
        IEnumerable<EnrolledKey> custodianKeys)
    {
        var he = new HeSetup
        {
            CollectiveKeyHash = ByteString.CopyFrom(hash),
            CkksParameterId = ByteString.CopyFrom(setup.ParameterId),
            CiphertextCount = 1,
            ScaleBits = HeCeremonyFixture.ScaleBits,
            Ceremony = setup.ToProto(custodianKeys),
        };
        he.Confirmations.AddRange(confirmations.Select(c => c.ToProto()));
        he.Participants.Add(HeCeremonyFixture.ClientId);
        return new JoinRoundResponse { He = he };
    }

    private RogueRun RogueCeremony()
    {
        var keys = HeCeremonyFixture.CustodianIds.ToDictionary(id => id, _ => Ed25519PrivateKey.Generate());
        var (setup, key, hash, confirmations) = HeCeremonyFixture.RunCeremony(fixture.Context, keys);
        return new RogueRun(setup, key, hash, confirmations, keys);
    }

    private sealed record RogueRun(
        Protocol.He.Messages.CeremonySetup Setup,
        byte[] Key,
        byte[] Hash,
        IReadOnlyList<Protocol.He.Messages.CustodianKeyConfirmation> Confirmations,
        Dictionary<uint, Ed25519PrivateKey> SigningKeys);
}
