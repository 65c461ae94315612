namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed pki init-ca</c> prints; serialized as its JSON.</summary>
/// <param name="Federation">The federation's name.</param>
/// <param name="Subject">The CA certificate's subject.</param>
/// <param name="Certificate">Path of the CA certificate written.</param>
/// <param name="Key">Path of the CA private key written (mode 0600).</param>
/// <param name="NotBefore">Start of the CA's validity, UTC, ISO 8601.</param>
/// <param name="NotAfter">End of the CA's validity, UTC, ISO 8601.</param>
/// <param name="Sha256Fingerprint">
/// SHA-256 of the CA certificate, hex, for participants to compare out of band.
/// </param>
internal sealed record InitCaReport(
    string Federation,
    string Subject,
    string Certificate,
    string Key,
    string NotBefore,
    string NotAfter,
    string Sha256Fingerprint);
