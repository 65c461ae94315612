// What a participant signs with its TLS certificate's key when it enrolls: its federation,
// its identity and the Ed25519 key that will sign its protocol messages. The appliance keeps
// the certificate and this signature in the ledger, so an auditor can check offline, with
// only the federation CA's certificate, that the holder of the certificate chose that key,
// and that the appliance did not substitute a key of its own.
//
// Signature: ECDSA P-256 with SHA-256 (FIPS 186-5), DER-encoded (RFC 3279).

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SecureFed.Protocol.Identity;

namespace SecureFed.Protocol.Enrollment;

/// <summary>The statement a participant's certificate key signs to enroll.</summary>
public static class EnrollmentStatement
{
    /// <summary>Domain label of the statement.</summary>
    public const string Domain = "securefed/enrollment/v1";

    /// <summary>The canonical bytes that are signed.</summary>
    public static byte[] Encode(
        ReadOnlySpan<byte> federationId, ParticipantIdentity identity, ReadOnlySpan<byte> signingPublicKey)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new Transcript(Domain)
            .Bytes(federationId)
            .Bytes(Encoding.UTF8.GetBytes(identity.ToUri()))
            .Bytes(signingPublicKey)
            .Encoded
            .ToArray();
    }

    /// <summary>Signs the statement with the certificate's private key.</summary>
    /// <exception cref="ArgumentException">The certificate has no ECDSA private key.</exception>
    public static byte[] Sign(
        X509Certificate2 certificate,
        ReadOnlySpan<byte> federationId,
        ParticipantIdentity identity,
        ReadOnlySpan<byte> signingPublicKey)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException(
            "The certificate has no ECDSA private key.", nameof(certificate));
        return key.SignData(
            Encode(federationId, identity, signingPublicKey),
            HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Checks a statement's signature against the certificate's public key.</summary>
    /// <returns>False for a wrong or malformed signature, or a certificate without an ECDSA key.</returns>
    public static bool Verify(
        X509Certificate2 certificate,
        ReadOnlySpan<byte> federationId,
        ParticipantIdentity identity,
        ReadOnlySpan<byte> signingPublicKey,
        ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPublicKey();
        if (key is null)
        {
            return false;
        }

        try
        {
            return key.VerifyData(
                Encode(federationId, identity, signingPublicKey),
                signature,
                HashAlgorithmName.SHA256,
                DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
