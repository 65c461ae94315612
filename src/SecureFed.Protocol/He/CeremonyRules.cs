using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>Checks shared by both sides of the key ceremony.</summary>
internal static class CeremonyRules
{
    public const int CeremonyIdSize = 32;

    public const int SeedSize = CkksCiphertext.SeedSize;

    /// <summary>
    /// Checks a setup against the parameters and the directory and returns its committee.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The setup is malformed or does not fit.</exception>
    public static CkksCommittee Validate(
        CeremonySetup setup, CkksContext context, IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        if (setup.CeremonyId is null || setup.CeremonyId.Length != CeremonyIdSize)
        {
            throw new ProtocolViolationException($"The ceremony id must be {CeremonyIdSize} bytes.");
        }

        if (setup.ParameterId is null || !context.Parameters.ParameterId.SequenceEqual(setup.ParameterId))
        {
            throw new ProtocolViolationException(
                "The ceremony is for other CKKS parameters than the context's.");
        }

        if (setup.CommonSeed is null || setup.CommonSeed.Length != SeedSize)
        {
            throw new ProtocolViolationException($"The common seed must be {SeedSize} bytes.");
        }

        if (setup.CustodianIds is null || setup.CustodianIds.Count == 0)
        {
            throw new ProtocolViolationException("The ceremony names no custodians.");
        }

        foreach (uint id in setup.CustodianIds)
        {
            if (id is 0 or > CkksCommittee.MaxCustodianId)
            {
                throw new ProtocolViolationException(
                    $"Custodian id {id} is outside 1 to {CkksCommittee.MaxCustodianId}.");
            }

            if (!directory.ContainsKey(id))
            {
                throw new ProtocolViolationException($"Custodian {id} is not in the directory.");
            }
        }

        if (setup.CustodianIds.Distinct().Count() != setup.CustodianIds.Count)
        {
            throw new ProtocolViolationException("The ceremony names a custodian twice.");
        }

        if (setup.Threshold < 1 || setup.Threshold > setup.CustodianIds.Count)
        {
            throw new ProtocolViolationException(
                $"The threshold {setup.Threshold} is outside 1 to {setup.CustodianIds.Count}.");
        }

        return new CkksCommittee(setup.CustodianIds.Select(id => (int)id), setup.Threshold);
    }

    /// <summary>
    /// Checks one advertisement's ceremony, sender, signature and key share, and returns the
    /// key share.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The advertisement is refused.</exception>
    public static RnsPolynomial CheckAdvertisement(
        CustodianAdvertisement message, byte[] ceremonyId, byte[] setupHash, CkksCommittee committee,
        CkksContext context, IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.CeremonyId is null || !message.CeremonyId.AsSpan().SequenceEqual(ceremonyId))
        {
            throw new ProtocolViolationException(
                $"The advertisement of custodian {message.CustodianId} is for another ceremony.");
        }

        if (message.CustodianId > CkksCommittee.MaxCustodianId
            || !committee.Contains((int)message.CustodianId))
        {
            throw new ProtocolViolationException(
                $"Custodian {message.CustodianId} is not in the ceremony's committee.");
        }

        if (message.CipherPublicKey is null || message.CipherPublicKey.Length != 32
            || message.PublicKeyShare is null || message.Signature is null)
        {
            throw new ProtocolViolationException(
                $"The advertisement of custodian {message.CustodianId} is malformed.");
        }

        Ed25519PublicKey identity = directory[message.CustodianId];
        if (!identity.Verify(HeTranscripts.Advertisement(setupHash, message).Encoded, message.Signature))
        {
            throw new ProtocolViolationException(
                $"The advertisement of custodian {message.CustodianId} has a bad signature.");
        }

        RnsPolynomial share;
        try
        {
            share = CkksSerializer.DeserializePolynomial(context, message.PublicKeyShare);
        }
        catch (FormatException e)
        {
            throw new ProtocolViolationException(
                $"The public key share of custodian {message.CustodianId} is malformed.", e);
        }

        if (!share.IsNttForm || !share.IsKeyLevel)
        {
            throw new ProtocolViolationException(
                $"The public key share of custodian {message.CustodianId} is not in NTT form modulo Q P.");
        }

        return share;
    }

    /// <summary>Checks a sealed share's ceremony, parties and signature.</summary>
    /// <exception cref="ProtocolViolationException">The sealed share is refused.</exception>
    public static void CheckSealedShare(
        SealedKeyShare share, byte[] ceremonyId, byte[] setupHash, CkksCommittee committee,
        IReadOnlyDictionary<uint, Ed25519PublicKey> directory)
    {
        if (share is null)
        {
            throw new ProtocolViolationException("A sealed share is missing.");
        }

        if (share.CeremonyId is null || !share.CeremonyId.AsSpan().SequenceEqual(ceremonyId))
        {
            throw new ProtocolViolationException(
                $"The share from custodian {share.Sender} is for another ceremony.");
        }

        if (!IsMember(committee, share.Sender) || !IsMember(committee, share.Recipient))
        {
            throw new ProtocolViolationException(
                $"The share from {share.Sender} to {share.Recipient} names a custodian outside the committee.");
        }

        if (share.Sender == share.Recipient)
        {
            throw new ProtocolViolationException(
                $"Custodian {share.Sender} sealed a share for itself.");
        }

        if (share.Ciphertext is null || share.Signature is null
            || !directory[share.Sender].Verify(
                HeTranscripts.SealedShare(setupHash, share).Encoded, share.Signature))
        {
            throw new ProtocolViolationException(
                $"The share from custodian {share.Sender} to {share.Recipient} has a bad signature.");
        }
    }

    public static bool IsMember(CkksCommittee committee, uint id) =>
        id <= CkksCommittee.MaxCustodianId && committee.Contains((int)id);
}
