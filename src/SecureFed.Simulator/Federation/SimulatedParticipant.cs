using System.Security.Cryptography.X509Certificates;
using SecureFed.Client.Participation;
using SecureFed.Client.Transport;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Identity;

namespace SecureFed.Simulator.Federation;

/// <summary>
/// One participant of a simulated federation: its federation certificate, its own TLS
/// connection to the appliance, and, once enrolled, its signing key and participant id.
/// </summary>
public sealed class SimulatedParticipant : IDisposable
{
    internal SimulatedParticipant(
        ParticipantIdentity identity, X509Certificate2 certificate, EnclaveConnection connection)
    {
        Identity = identity;
        Certificate = certificate;
        Connection = connection;
    }

    /// <summary>Role and name, as the certificate states them.</summary>
    public ParticipantIdentity Identity { get; }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The participant's channel to the appliance.</summary>
    public EnclaveConnection Connection { get; }

    /// <summary>The Ed25519 protocol key, once enrolled.</summary>
    public Ed25519PrivateKey? SigningKey { get; internal set; }

    /// <summary>What the participant acts with in rounds, once enrolled.</summary>
    public ParticipantCredentials? Credentials { get; internal set; }

    /// <inheritdoc />
    public void Dispose()
    {
        Connection.Dispose();
        SigningKey?.Dispose();
        Certificate.Dispose();
    }
}
