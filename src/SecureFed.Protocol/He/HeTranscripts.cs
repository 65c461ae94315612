using SecureFed.Protocol.He.Messages;

namespace SecureFed.Protocol.He;

/// <summary>
/// The transcripts that HE mode signs, hashes, and binds into key derivation and AEAD. Each
/// carries its own label, so a signature or key for one purpose is useless for another.
/// </summary>
internal static class HeTranscripts
{
    private const string Prefix = "securefed/he/v1/";

    /// <summary>Hash of everything in the ceremony setup.</summary>
    public static byte[] SetupHash(CeremonySetup setup) =>
        new Transcript(Prefix + "ceremony-setup")
            .Bytes(setup.CeremonyId)
            .Bytes(setup.ParameterId)
            .Ids(setup.CustodianIds)
            .U32((uint)setup.Threshold)
            .Bytes(setup.CommonSeed)
            .Hash();

    public static Transcript Advertisement(byte[] setupHash, CustodianAdvertisement message) =>
        new Transcript(Prefix + "advertise")
            .Bytes(setupHash)
            .Bytes(message.CeremonyId)
            .U32(message.CustodianId)
            .Bytes(message.CipherPublicKey)
            .Bytes(message.PublicKeyShare);

    /// <summary>HKDF info for the two AEAD keys that seal shares between two custodians.</summary>
    public static byte[] ShareKeyInfo(uint lowerId, uint higherId) =>
        new Transcript(Prefix + "share-keys").U32(lowerId).U32(higherId).Encoded.ToArray();

    /// <summary>Associated data of a sealed share.</summary>
    public static byte[] ShareAssociatedData(byte[] ceremonyId, uint sender, uint recipient) =>
        new Transcript(Prefix + "share").Bytes(ceremonyId).U32(sender).U32(recipient)
            .Encoded.ToArray();

    public static Transcript SealedShare(byte[] setupHash, SealedKeyShare share) =>
        new Transcript(Prefix + "sealed-share")
            .Bytes(setupHash)
            .Bytes(share.CeremonyId)
            .U32(share.Sender)
            .U32(share.Recipient)
            .Bytes(share.Ciphertext);

    public static Transcript Confirmation(byte[] setupHash, CeremonyConfirmation message) =>
        new Transcript(Prefix + "confirm")
            .Bytes(setupHash)
            .Bytes(message.CeremonyId)
            .U32(message.CustodianId)
            .Bytes(message.CollectivePublicKeyHash);

    /// <summary>
    /// What a custodian signs with its decryption shares: the request it answered (ceremony,
    /// round, participants, a hash of each aggregate ciphertext) and a hash of each share.
    /// </summary>
    public static Transcript DecryptionResponse(
        byte[] ceremonyId, ulong round, uint custodianId, IReadOnlyList<uint> participants,
        IReadOnlyList<byte[]> aggregateHashes, IReadOnlyList<byte[]> shareHashes)
    {
        var transcript = new Transcript(Prefix + "decryption-shares")
            .Bytes(ceremonyId)
            .U64(round)
            .U32(custodianId)
            .Ids(participants)
            .U32((uint)aggregateHashes.Count);
        foreach (byte[] hash in aggregateHashes)
        {
            transcript.Bytes(hash);
        }

        transcript.U32((uint)shareHashes.Count);
        foreach (byte[] hash in shareHashes)
        {
            transcript.Bytes(hash);
        }

        return transcript;
    }
}
