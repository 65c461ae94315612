using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// The certificate profile of the federation PKI, shared by issuing and validation: RFC 5280
/// extensions, ECDSA P-256 keys with SHA-256 (RFC 5480, RFC 5758), and the extended key usages
/// of TLS (RFC 5280 section 4.2.1.12) that TLS 1.3 (RFC 8446) peers check.
/// </summary>
internal static class FederationProfile
{
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>How far back not-before is set, so that peers with a slow clock accept.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    // DER of the named curve OID 1.2.840.10045.3.1.7 (secp256r1), the only curve accepted.
    private static readonly byte[] P256Parameters =
        [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    /// <summary>The extended key usages a certificate of <paramref name="role"/> carries.</summary>
    public static string[] UsagesOf(ParticipantRole role) => role == ParticipantRole.Appliance
        ? [ServerAuthOid, ClientAuthOid]
        : [ClientAuthOid];

    /// <summary>Tells whether a subject public key is an ECDSA key on the P-256 curve.</summary>
    public static bool IsP256(PublicKey key)
    {
        if (key.Oid.Value != EcPublicKeyOid
            || key.EncodedParameters?.RawData is not { } parameters
            || !parameters.AsSpan().SequenceEqual(P256Parameters))
        {
            return false;
        }

        try
        {
            // Importing checks that the point is on the curve.
            using var ecdsa = key.GetECDsaPublicKey();
            return ecdsa is { KeySize: 256 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Makes a new P-256 key pair.</summary>
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A random positive 16-byte serial number (RFC 5280 section 4.1.2.2).</summary>
    public static byte[] NewSerialNumber()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);

        // The serial is a positive INTEGER: a set top bit would make it negative, and a zero
        // first byte would be a non-minimal encoding.
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }

    /// <summary>The basic-constraints extension of a certificate, or null if it has none.</summary>
    public static X509BasicConstraintsExtension? BasicConstraints(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();

    /// <summary>The key-usage extension of a certificate, or null if it has none.</summary>
    public static X509KeyUsageExtension? KeyUsage(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();

    /// <summary>The extended key usages of a certificate; empty if it has no such extension.</summary>
    public static HashSet<string> ExtendedUsages(X509Certificate2 certificate)
    {
        var usages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>())
        {
            foreach (var oid in extension.EnhancedKeyUsages)
            {
                if (oid.Value is { } value)
                {
                    usages.Add(value);
                }
            }
        }

        return usages;
    }
}
