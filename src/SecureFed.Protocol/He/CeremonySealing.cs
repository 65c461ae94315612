using System.Buffers.Binary;
using System.Security.Cryptography;
using SecureFed.Crypto.Aead;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.KeyAgreement;

namespace SecureFed.Protocol.He;

/// <summary>
/// Sealing of one custodian's Shamir share f_i(j) for custodian j with AES-256-GCM. One
/// X25519 of the two custodians' ephemeral keys, through HKDF-SHA256 with the ceremony id as
/// salt, gives a key for each direction. The associated data binds the ceremony, sender and
/// recipient; the plaintext is sender (4) || recipient (4) || the share in CkksSerializer's
/// polynomial format.
/// </summary>
internal static class CeremonySealing
{
    public static (AesGcmKey Send, AesGcmKey Receive) DeriveKeys(
        X25519PrivateKey ownKey, byte[] peerPublicKey, byte[] ceremonyId, uint self, uint peer)
    {
        Span<byte> keys = stackalloc byte[2 * AesGcmKey.KeySize];
        try
        {
            uint low = Math.Min(self, peer);
            uint high = Math.Max(self, peer);
            ownKey.DeriveSharedKey(peerPublicKey, ceremonyId, HeTranscripts.ShareKeyInfo(low, high), keys);
            Span<byte> lowToHigh = keys[..AesGcmKey.KeySize];
            Span<byte> highToLow = keys[AesGcmKey.KeySize..];
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
        AesGcmKey sendKey, byte[] ceremonyId, uint sender, uint recipient, RnsPolynomial share)
    {
        byte[] plaintext = new byte[8 + CkksSerializer.GetSerializedSize(share)];
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(plaintext, sender);
            BinaryPrimitives.WriteUInt32BigEndian(plaintext.AsSpan(4), recipient);
            CkksSerializer.SerializePolynomial(share, plaintext.AsSpan(8));
            return sendKey.Seal(plaintext, HeTranscripts.ShareAssociatedData(ceremonyId, sender, recipient));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Opens the share that <paramref name="sender"/> sealed for <paramref name="recipient"/>.</summary>
    /// <exception cref="CryptographicException">
    /// The box does not open, names other parties, or holds no share of these parameters.
    /// </exception>
    public static RnsPolynomial Open(
        AesGcmKey receiveKey, CkksContext context, byte[] ceremonyId, uint sender, uint recipient,
        byte[] sealedBox)
    {
        if (sealedBox.Length < AesGcmKey.Overhead + 8)
        {
            throw new CryptographicException("The sealed share could not be opened.");
        }

        byte[] plaintext = new byte[sealedBox.Length - AesGcmKey.Overhead];
        try
        {
            receiveKey.Open(
                sealedBox, HeTranscripts.ShareAssociatedData(ceremonyId, sender, recipient), plaintext);
            if (BinaryPrimitives.ReadUInt32BigEndian(plaintext) != sender
                || BinaryPrimitives.ReadUInt32BigEndian(plaintext.AsSpan(4)) != recipient)
            {
                throw new CryptographicException("The sealed share could not be opened.");
            }

            RnsPolynomial share;
            try
            {
                share = CkksSerializer.DeserializePolynomial(context, plaintext.AsSpan(8));
            }
            catch (FormatException)
            {
                throw new CryptographicException("The sealed share could not be opened.");
            }

            if (!share.IsNttForm || share.IsKeyLevel)
            {
                share.Clear();
                throw new CryptographicException("The sealed share could not be opened.");
            }

            return share;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
