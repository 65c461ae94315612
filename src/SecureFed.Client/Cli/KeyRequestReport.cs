namespace SecureFed.Client.Cli;

/// <summary>What <c>securefed pki request</c> prints; serialized as its JSON.</summary>
/// <param name="Identity">The identity URI asked for.</param>
/// <param name="Key">Path of the private key written (mode 0600); it stays on this machine.</param>
/// <param name="Csr">Path of the certificate signing request, to hand to the security team.</param>
internal sealed record KeyRequestReport(string Identity, string Key, string Csr);
