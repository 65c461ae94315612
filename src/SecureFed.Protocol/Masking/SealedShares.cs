using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureFed.Crypto.Aead;
using SecureFed.Crypto.KeyAgreement;
using SecureFed.Crypto.Sharing;

namespace SecureFed.Protocol.Masking;

/// <summary>
/// Sealing of one client's two shares for one neighbour with AES-256-GCM. One X25519 of the
/// two clients' cipher keys, through HKDF-SHA256 with the session id as salt, gives a key
/// for each direction, so neither key ever seals in both directions. The associated data
/// binds session, round, sender and recipient. The plaintext is
/// sender (4) || recipient (4) || self-mask seed share (40) || mask-key share (40).
/// </summary>
internal static class SealedShares
{
    public const int PlaintextSize = 8 + 2 * ShamirShare.EncodedSize;

    public const int SealedSize = PlaintextSize + AesGcmKey.Overhead;

    /// <summary>
    /// Derives the pair's two AEAD keys: the one for sealing from <paramref name="self"/> to
    /// <paramref name="peer"/>, and the one for opening what <paramref name="peer"/> sealed.
    /// </summary>
    public static (AesGcmKey Send, AesGcmKey Receive) DeriveKeys(
        X25519PrivateKey ownCipherKey, byte[] peerCipherPublicKey, byte[] sessionId, uint self, uint peer)
    {
        Span<byte> keys = stackalloc byte[2 * AesGcmKey.KeySize];
        try
        {
            uint low = Math.Min(self, peer);
            uint high = Math.Max(self, peer);
            ownCipherKey.DeriveSharedKey(peerCipherPublicKey, sessionId, MaskTranscripts.ShareKeyInfo(low, high), keys);
            var lowToHigh = keys[..AesGcmKey.KeySize];
            var highToLow = keys[AesGcmKey.KeySize..];
            return self == low
                ? (new AesGcmKey(lowToHigh), new AesGcmKey(highToLow))
                : (new AesGcmKey(highToLow), new AesGcmKey(lowToHigh));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    public static byte[] Seal(
        AesGcmKey sendKey,
        byte[] sessionId,
        ulong round,
        uint sender,
        uint recipient,
        ShamirShare selfMaskSeedShare,
        ShamirShare maskKeyShare)
    {
        Span<byte> plaintext = stackalloc byte[PlaintextSize];
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(plaintext, sender);
            BinaryPrimitives.WriteUInt32BigEndian(plaintext[4..], recipient);
            selfMaskSeedShare.WriteTo(plaintext.Slice(8, ShamirShare.EncodedSize));
            maskKeyShare.WriteTo(plaintext.Slice(8 + ShamirShare.EncodedSize, ShamirShare.EncodedSize));
            return sendKey.Seal(plaintext, MaskTranscripts.ShareAssociatedData(sessionId, round, sender, recipient));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Opens the shares that <paramref name="sender"/> sealed for <paramref name="recipient"/>.</summary>
    /// <exception cref="CryptographicException">The box does not open or names other parties.</exception>
    public static (ShamirShare SelfMaskSeed, ShamirShare MaskKey) Open(
        AesGcmKey receiveKey,
        byte[] sessionId,
        ulong round,
        uint sender,
        uint recipient,
        byte[] sealedBox)
    {
        if (sealedBox.Length != SealedSize)
        {
            throw new CryptographicException("The sealed share could not be opened.");
        }

        Span<byte> plaintext = stackalloc byte[PlaintextSize];
        try
        {
            var associatedData = MaskTranscripts.ShareAssociatedData(sessionId, round, sender, recipient);
            receiveKey.Open(sealedBox, associatedData, plaintext);

            if (BinaryPrimitives.ReadUInt32BigEndian(plaintext) != sender
                || BinaryPrimitives.ReadUInt32BigEndian(plaintext[4..]) != recipient)
            {
                throw new CryptographicException("The sealed share could not be opened.");
            }

            // Both shares were dealt at the recipient's id: that is the x it holds them at.
            try
            {
                var seedShare = ShamirShare.Read(recipient, plaintext.Slice(8, ShamirShare.EncodedSize));
                var keyShare = ShamirShare.Read(recipient, plaintext.Slice(8 + ShamirShare.EncodedSize));
                return (seedShare, keyShare);
            }
            catch (FormatException)
            {
                throw new CryptographicException("The sealed share could not be opened.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
