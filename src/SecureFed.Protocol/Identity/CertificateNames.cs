using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// Subject alternative names of federation certificates (RFC 5280 section 4.2.1.6): building
/// them, and reading the URIs back out, which .NET's own SAN extension type does not expose.
/// </summary>
internal static class CertificateNames
{
    public const string SubjectAltNameOid = "2.5.29.17";

    // GeneralName ::= CHOICE { ... uniformResourceIdentifier [6] IA5String ... }
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>Builds the SAN extension of a certificate or a request.</summary>
    public static X509Extension Build(
        ParticipantIdentity identity, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ipAddresses)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddUri(new Uri(identity.ToUri(), UriKind.Absolute));
        foreach (string dns in dnsNames)
        {
            builder.AddDnsName(dns);
        }

        foreach (var ip in ipAddresses)
        {
            builder.AddIpAddress(ip);
        }

        return builder.Build(critical: false);
    }

    /// <summary>Every URI in the SAN extensions among <paramref name="extensions"/>.</summary>
    /// <exception cref="CryptographicException">A SAN extension is not valid DER.</exception>
    public static List<string> ReadUris(IEnumerable<X509Extension> extensions)
    {
        var uris = new List<string>();
        foreach (var extension in extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            try
            {
                var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
                var names = reader.ReadSequence();
                reader.ThrowIfNotEmpty();
                while (names.HasData)
                {
                    if (names.PeekTag().HasSameClassAndValue(UriTag))
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException e)
            {
                throw new CryptographicException("The subject alternative name extension is malformed.", e);
            }
        }

        return uris;
    }

    /// <summary>The SecureFed identity URIs among <paramref name="uris"/>.</summary>
    public static List<string> SecureFedUris(IEnumerable<string> uris) =>
        uris.Where(u => u.StartsWith(ParticipantIdentity.UriPrefix, StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>Checks DNS names and IP addresses given for an appliance certificate.</summary>
    /// <exception cref="ArgumentException">A DNS name is not a valid host name.</exception>
    public static (string[] Dns, IPAddress[] Ip) CheckHostNames(
        IReadOnlyList<string>? dnsNames, IReadOnlyList<IPAddress>? ipAddresses)
    {
        string[] dns = dnsNames?.ToArray() ?? [];
        IPAddress[] ip = ipAddresses?.ToArray() ?? [];
        foreach (string name in dns)
        {
            if (name is null || name.Length > 253 || Uri.CheckHostName(name) != UriHostNameType.Dns)
            {
                throw new ArgumentException($"'{name}' is not a valid DNS name.", nameof(dnsNames));
            }
        }

        if (ip.Any(a => a is null))
        {
            throw new ArgumentException("An IP address in the list is null.", nameof(ipAddresses));
        }

        return (dns, ip);
    }
}
