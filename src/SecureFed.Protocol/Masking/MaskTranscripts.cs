using SecureFed.Protocol.Masking.Messages;

namespace SecureFed.Protocol.Masking;

/// <summary>
/// The transcripts that mask mode signs, hashes, and binds into key derivation and AEAD.
/// Each carries its own label, so a signature or key for one purpose is useless for another.
/// </summary>
internal static class MaskTranscripts
{
    private const string Prefix = "securefed/secagg+/v1/";

    /// <summary>Hash of everything in the setup; signed into each advertisement.</summary>
    public static byte[] SetupHash(MaskRoundSetup setup) =>
        new Transcript(Prefix + "setup")
            .U64(setup.Round)
            .Bytes(setup.RoundNonce)
            .U32((uint)setup.Dimension)
            .U32((uint)setup.Bits)
            .U32((uint)setup.Degree)
            .U32((uint)setup.Threshold)
            .Ids(setup.Participants)
            .Bytes(setup.GraphSeed)
            .Hash();

    public static Transcript Advertisement(byte[] setupHash, AdvertiseKeys keys) =>
        new Transcript(Prefix + "advertise")
            .Bytes(setupHash)
            .U64(keys.Round)
            .U32(keys.ClientId)
            .Bytes(keys.CipherPublicKey)
            .Bytes(keys.MaskPublicKey);

    /// <summary>The session id: a hash over the setup and every advertised key.</summary>
    public static byte[] SessionId(byte[] setupHash, IReadOnlyList<AdvertiseKeys> keys)
    {
        var transcript = new Transcript(Prefix + "session").Bytes(setupHash).U32((uint)keys.Count);
        foreach (var advertised in keys)
        {
            transcript.U32(advertised.ClientId)
                .Bytes(advertised.CipherPublicKey)
                .Bytes(advertised.MaskPublicKey);
        }

        return transcript.Hash();
    }

    /// <summary>HKDF info for the two AEAD keys that seal shares between two clients.</summary>
    public static byte[] ShareKeyInfo(uint lowerId, uint higherId) =>
        new Transcript(Prefix + "share-keys").U32(lowerId).U32(higherId).Encoded.ToArray();

    /// <summary>Associated data of a sealed share.</summary>
    public static byte[] ShareAssociatedData(byte[] sessionId, ulong round, uint sender, uint recipient) =>
        new Transcript(Prefix + "share").Bytes(sessionId).U64(round).U32(sender).U32(recipient)
            .Encoded.ToArray();

    /// <summary>HKDF info for the pairwise mask seed of two clients, the same from both sides.</summary>
    public static byte[] PairMaskInfo(uint a, uint b) =>
        new Transcript(Prefix + "pair-mask").U32(Math.Min(a, b)).U32(Math.Max(a, b)).Encoded.ToArray();

    public static Transcript Survivors(byte[] sessionId, ulong round, IReadOnlyList<uint> survivors) =>
        new Transcript(Prefix + "survivors").Bytes(sessionId).U64(round).Ids(survivors);
}
