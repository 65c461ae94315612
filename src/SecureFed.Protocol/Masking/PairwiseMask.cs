using System.Security.Cryptography;
using SecureFed.Crypto.KeyAgreement;
using SecureFed.Crypto.Prg;

namespace SecureFed.Protocol.Masking;

/// <summary>
/// The pairwise mask of two clients u and v: PRG(s_uv) with s_uv from HKDF-SHA256 over
/// X25519 of their mask keys, salted with the session id. The smaller id adds it and the
/// larger subtracts it, so it cancels in the sum.
/// </summary>
internal static class PairwiseMask
{
    /// <summary>
    /// Applies the mask that <paramref name="self"/> (holding <paramref name="selfMaskKey"/>)
    /// shares with <paramref name="peer"/> to <paramref name="vector"/>, with the sign
    /// <paramref name="self"/> uses; <paramref name="negate"/> applies the opposite, which
    /// removes it again.
    /// </summary>
    public static void Apply(
        X25519PrivateKey selfMaskKey,
        uint self,
        byte[] peerMaskPublicKey,
        uint peer,
        byte[] sessionId,
        Span<ulong> vector,
        long firstCoordinate,
        int bits,
        bool negate)
    {
        using var prg = CreatePrg(selfMaskKey, self, peerMaskPublicKey, peer, sessionId);
        bool add = (self < peer) != negate;
        if (add)
        {
            prg.AddTo(vector, firstCoordinate, bits);
        }
        else
        {
            prg.SubtractFrom(vector, firstCoordinate, bits);
        }
    }

    /// <summary>The PRG of the pair, keyed by the derived seed (which is cleared at once).</summary>
    public static MaskPrg CreatePrg(
        X25519PrivateKey selfMaskKey, uint self, byte[] peerMaskPublicKey, uint peer, byte[] sessionId)
    {
        Span<byte> seed = stackalloc byte[MaskPrg.SeedSize];
        try
        {
            DeriveSeed(selfMaskKey, self, peerMaskPublicKey, peer, sessionId, seed);
            return new MaskPrg(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Writes the pair's 32-byte seed s_uv into <paramref name="seed"/>.</summary>
    public static void DeriveSeed(
        X25519PrivateKey selfMaskKey,
        uint self,
        byte[] peerMaskPublicKey,
        uint peer,
        byte[] sessionId,
        Span<byte> seed) =>
        selfMaskKey.DeriveSharedKey(peerMaskPublicKey, sessionId, MaskTranscripts.PairMaskInfo(self, peer), seed);
}
