using System.Net;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Tests.Cli;

/// <summary>
/// A federation CA and an appliance certificate and key in files, as the security team hands
/// them to the appliance's operator; the CA's key stays in memory.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(30);

    private readonly FederationCa _ca;

    public TestPki(string directory, string federation = "test-federation")
    {
        Directory.CreateDirectory(directory);
        _ca = FederationCa.Create(federation, TimeSpan.FromDays(365));
        CaCertificate = Path.Combine(directory, "ca.crt");
        File.WriteAllText(CaCertificate, _ca.Certificate.ExportCertificatePem());

        var identity = new ParticipantIdentity(ParticipantRole.Appliance, "appliance");
        using var request = ParticipantKeyRequest.Create(identity, ["localhost"], [IPAddress.Loopback]);
        Certificate = Path.Combine(directory, "appliance.crt");
        Key = Path.Combine(directory, "appliance.key");
        File.WriteAllText(
            Certificate, _ca.Issue(request.CsrPem, identity, Validity, ["localhost"], [IPAddress.Loopback]));
        request.WritePrivateKey(Key);
    }

    public string CaCertificate { get; }

    public string Certificate { get; }

    public string Key { get; }

    public void Dispose() => _ca.Dispose();
}
