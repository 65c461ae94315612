namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed pki issue</c> prints; serialized as its JSON.</summary>
/// <param name="Identity">The identity URI certified.</param>
/// <param name="Certificate">Path of the certificate written.</param>
/// <param name="Serial">Serial number, hex.</param>
/// <param name="NotBefore">Start of validity, UTC, ISO 8601.</param>
/// <param name="NotAfter">End of validity, UTC, ISO 8601; never past the CA's own.</param>
/// <param name="DnsNames">DNS names certified (appliance only).</param>
/// <param name="IpAddresses">IP addresses certified (appliance only).</param>
/// <param name="Sha256Fingerprint">SHA-256 of the certificate, hex.</param>
internal sealed record IssuedCertificateReport(
    string Identity,
    string Certificate,
    string Serial,
    string NotBefore,
    string NotAfter,
    IReadOnlyList<string> DnsNames,
    IReadOnlyList<string> IpAddresses,
    string Sha256Fingerprint);
