using System.Security.Cryptography;
using SecureFed.Crypto.Ckks;
using SecureFed.Protocol.He;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.Tests.He;

public class HeCeremonyTests
{
    private static readonly uint[] Custodians = [3, 7, 11, 20, 42];

    [Fact]
    public void Ceremony_FiveCustodiansThresholdThree_AllConfirmTheSameCollectiveKey()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 0);

        Assert.True(harness.Coordinator.IsComplete);
        byte[] hash = harness.Coordinator.PublicKeyHash.ToArray();
        Assert.Equal(SHA256.HashData(harness.Coordinator.PublicKeyBytes.Span), hash);
        foreach ((uint id, CustodianCeremony ceremony) in harness.Ceremonies)
        {
            Assert.Equal(CustodianCeremonyStage.Completed, ceremony.Stage);
            Assert.Equal(harness.Coordinator.PublicKeyBytes.ToArray(), ceremony.CollectivePublicKey.ToArray());
            Assert.Equal(hash, harness.KeyStates[id].CollectivePublicKeyHash.ToArray());
            Assert.Equal(3, harness.KeyStates[id].Committee.Threshold);
        }
    }

    [Fact]
    public void Coordinator_ForgedAdvertisementSignature_IsRefused()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        CustodianAdvertisement genuine = harness.Ceremonies[3].Advertise();
        byte[] forged = (byte[])genuine.Signature.Clone();
        forged[5] ^= 1;

        var refusal = Assert.Throws<ProtocolViolationException>(
            () => harness.Coordinator.AddAdvertisement(genuine with { Signature = forged }));
        Assert.Contains("bad signature", refusal.Message);

        // Signed by another custodian's key: refused too.
        byte[] byOther = harness.CustodianKeys[7].Sign(
            new Transcript("x").Encoded);
        Assert.Throws<ProtocolViolationException>(
            () => harness.Coordinator.AddAdvertisement(genuine with { Signature = byOther }));

        harness.Coordinator.AddAdvertisement(genuine);
    }

    [Fact]
    public void Coordinator_DuplicateOrUnknownAdvertisement_IsRefused()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        CustodianAdvertisement first = harness.Ceremonies[3].Advertise();
        harness.Coordinator.AddAdvertisement(first);

        var duplicate = Assert.Throws<ProtocolViolationException>(
            () => harness.Coordinator.AddAdvertisement(first));
        Assert.Contains("already advertised", duplicate.Message);

        var unknown = Assert.Throws<ProtocolViolationException>(
            () => harness.Coordinator.AddAdvertisement(first with { CustodianId = 99 }));
        Assert.Contains("not in the ceremony's committee", unknown.Message);
        Assert.False(harness.Coordinator.AllAdvertised);
    }

    [Fact]
    public void ShareSecret_ForgedAdvertisement_IsRefusedAndStateUnchanged()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        harness.AdvertiseStage();
        CustodianAdvertisement[] advertisements = harness.Coordinator.Advertisements.ToArray();
        CustodianAdvertisement[] tampered = advertisements.ToArray();
        byte[] otherKey = X25519Public();
        tampered[2] = tampered[2] with { CipherPublicKey = otherKey };
        CustodianCeremony custodian = harness.Ceremonies[3];

        var refusal = Assert.Throws<ProtocolViolationException>(() => custodian.ShareSecret(tampered));

        Assert.Contains("bad signature", refusal.Message);
        Assert.Equal(CustodianCeremonyStage.Advertised, custodian.Stage);
        Assert.Equal(4, custodian.ShareSecret(advertisements).Shares.Count);
    }

    [Fact]
    public void ShareSecret_MissingOrDuplicateAdvertisement_IsRefused()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        harness.AdvertiseStage();
        CustodianAdvertisement[] all = harness.Coordinator.Advertisements.ToArray();
        CustodianCeremony custodian = harness.Ceremonies[7];

        Assert.Throws<ProtocolViolationException>(() => custodian.ShareSecret(all[..4]));
        var duplicate = Assert.Throws<ProtocolViolationException>(
            () => custodian.ShareSecret([.. all[..4], all[0]]));
        Assert.Contains("twice", duplicate.Message);
        Assert.Equal(CustodianCeremonyStage.Advertised, custodian.Stage);
    }

    [Fact]
    public void Complete_ShareSealedForSomeoneElse_IsRefusedAndStateUnchanged()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        harness.AdvertiseStage();
        harness.ShareStage();
        CustodianCeremony custodian = harness.Ceremonies[3];
        IReadOnlyList<SealedKeyShare> mine = harness.Coordinator.SharesFor(3);

        // The bundle of custodian 7 handed to 3: addressed elsewhere.
        var misdirected = Assert.Throws<ProtocolViolationException>(
            () => custodian.Complete(harness.Coordinator.SharesFor(7)));
        Assert.Contains("sealed for", misdirected.Message);

        // A box sealed for 7, relabelled as for 3 and re-signed by its real sender: the
        // signature holds, the AEAD does not open.
        SealedKeyShare forSeven = harness.SharesSent[11].Shares.Single(s => s.Recipient == 7);
        SealedKeyShare relabelled = forSeven with { Recipient = 3 };
        relabelled = relabelled with
        {
            Signature = harness.CustodianKeys[11].Sign(SealedShareTranscript(harness, relabelled)),
        };
        SealedKeyShare[] withRelabelled = mine.Select(s => s.Sender == 11 ? relabelled : s).ToArray();
        var unopened = Assert.Throws<ProtocolViolationException>(() => custodian.Complete(withRelabelled));
        Assert.Contains("could not be opened", unopened.Message);
        Assert.Equal(CustodianCeremonyStage.SharedSecret, custodian.Stage);

        harness.Coordinator.AddConfirmation(custodian.Complete(mine));
        Assert.Equal(CustodianCeremonyStage.Completed, custodian.Stage);
    }

    [Fact]
    public void Complete_MissingOrDuplicateShare_IsRefused()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        harness.AdvertiseStage();
        harness.ShareStage();
        CustodianCeremony custodian = harness.Ceremonies[20];
        SealedKeyShare[] mine = harness.Coordinator.SharesFor(20).ToArray();

        var missing = Assert.Throws<ProtocolViolationException>(() => custodian.Complete(mine[..3]));
        Assert.Contains("missing", missing.Message);
        var duplicate = Assert.Throws<ProtocolViolationException>(
            () => custodian.Complete([.. mine[..3], mine[0]]));
        Assert.Contains("two shares", duplicate.Message);
        Assert.Equal(CustodianCeremonyStage.SharedSecret, custodian.Stage);
    }

    [Fact]
    public void Messages_ReplayedFromAnotherCeremony_AreRefused()
    {
        using HeHarness earlier = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 0);
        using var later = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        later.Coordinator.AddAdvertisement(later.Ceremonies[3].Advertise());

        // The same custodians and keys, an earlier ceremony's advertisement: refused.
        CustodianAdvertisement old = earlier.Coordinator.Advertisements[0];
        var oldCeremony = Assert.Throws<ProtocolViolationException>(() => later.Coordinator.AddAdvertisement(old));
        Assert.Contains("another ceremony", oldCeremony.Message);

        // Relabelled with the new ceremony id, its signature no longer holds.
        var relabelled = Assert.Throws<ProtocolViolationException>(
            () => later.Coordinator.AddAdvertisement(old with { CeremonyId = later.Setup.CeremonyId }));
        Assert.Contains("bad signature", relabelled.Message);

        // An earlier ceremony's sealed shares are refused at the next round as well.
        later.AdvertiseStageExcept(3);
        later.ShareStage();
        var oldShares = Assert.Throws<ProtocolViolationException>(
            () => later.Ceremonies[3].Complete(earlier.Coordinator.SharesFor(3)));
        Assert.Contains("another ceremony", oldShares.Message);

        // A confirmation replayed from the earlier ceremony.
        var confirmation = new CeremonyConfirmation(
            earlier.Setup.CeremonyId, 3, earlier.Coordinator.PublicKeyHash.ToArray(), new byte[64]);
        Assert.Throws<ProtocolViolationException>(() => later.Coordinator.AddConfirmation(confirmation));
    }

    [Fact]
    public void Coordinator_ConfirmationOfAnotherKey_IsRefused()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        harness.AdvertiseStage();
        harness.ShareStage();
        CeremonyConfirmation genuine = harness.Ceremonies[3].Complete(harness.Coordinator.SharesFor(3));
        var other = genuine with { CollectivePublicKeyHash = new byte[32] };
        other = other with { Signature = harness.CustodianKeys[3].Sign(ConfirmationTranscript(harness, other)) };

        var refusal = Assert.Throws<ProtocolViolationException>(() => harness.Coordinator.AddConfirmation(other));

        Assert.Contains("another collective public key", refusal.Message);
        harness.Coordinator.AddConfirmation(genuine);
        Assert.Throws<ProtocolViolationException>(() => harness.Coordinator.AddConfirmation(genuine));
    }

    [Fact]
    public void KeyState_RoundTripsThroughBytes()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 0);
        CustodianKeyState original = harness.KeyStates[11];

        byte[] bytes = original.Serialize();
        using CustodianKeyState restored = CustodianKeyState.Deserialize(HeHarness.SmallContext, bytes);

        Assert.Equal(original.CustodianId, restored.CustodianId);
        Assert.Equal(original.CeremonyId.ToArray(), restored.CeremonyId.ToArray());
        Assert.Equal(original.CollectivePublicKeyHash.ToArray(), restored.CollectivePublicKeyHash.ToArray());
        Assert.Equal(original.Committee.CustodianIds, restored.Committee.CustodianIds);
        Assert.Equal(original.Committee.Threshold, restored.Committee.Threshold);
        Assert.True(original.ShareEquals(restored));
        Assert.Equal(bytes, restored.Serialize());
        Assert.DoesNotContain("0x", restored.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeyState_MalformedBytes_AreRefused()
    {
        using HeHarness harness = HeHarness.WithCeremony(HeHarness.SmallContext, Custodians, 3, 0);
        byte[] bytes = harness.KeyStates[3].Serialize();
        var otherContext = new CkksContext(CkksParameters.UnsafeCreateWithoutSecurityCheck(1024, [60, 60, 61]));

        Assert.Throws<FormatException>(() => CustodianKeyState.Deserialize(HeHarness.SmallContext, bytes[..^1]));
        Assert.Throws<FormatException>(() => CustodianKeyState.Deserialize(HeHarness.SmallContext, [.. bytes, 0]));
        Assert.Throws<FormatException>(() => CustodianKeyState.Deserialize(otherContext, bytes));
        byte[] badVersion = (byte[])bytes.Clone();
        badVersion[4] = 2;
        Assert.Throws<FormatException>(() => CustodianKeyState.Deserialize(HeHarness.SmallContext, badVersion));
    }

    [Fact]
    public void Setup_ForOtherParametersOrUnenrolledCustodian_IsRefused()
    {
        using var harness = new HeHarness(HeHarness.SmallContext, Custodians, 3, 0);
        var otherContext = new CkksContext(CkksParameters.UnsafeCreateWithoutSecurityCheck(1024, [60, 60, 61]));

        Assert.Throws<ProtocolViolationException>(
            () => new CeremonyCoordinator(otherContext, harness.Setup, harness.CustodianDirectory));
        Assert.Throws<ProtocolViolationException>(
            () => new CeremonyCoordinator(
                HeHarness.SmallContext, harness.Setup with { CustodianIds = [.. Custodians, 50] },
                harness.CustodianDirectory));
        Assert.Throws<ProtocolViolationException>(
            () => new CustodianCeremony(
                HeHarness.SmallContext, harness.Setup, 3, harness.CustodianKeys[7], harness.CustodianDirectory));
    }

    private static byte[] X25519Public()
    {
        using var key = SecureFed.Crypto.KeyAgreement.X25519PrivateKey.Generate();
        return key.PublicKey;
    }

    // The tests re-sign with the internal transcripts, as a dishonest custodian could.
    private static byte[] SealedShareTranscript(HeHarness harness, SealedKeyShare share) =>
        HeTranscripts.SealedShare(HeTranscripts.SetupHash(harness.Setup), share).Encoded.ToArray();

    private static byte[] ConfirmationTranscript(HeHarness harness, CeremonyConfirmation message) =>
        HeTranscripts.Confirmation(HeTranscripts.SetupHash(harness.Setup), message).Encoded.ToArray();
}
