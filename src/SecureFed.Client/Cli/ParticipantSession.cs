using SecureFed.Client.Participation;
using SecureFed.Client.State;
using SecureFed.Client.Transport;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Identity;
using System.Security.Cryptography.X509Certificates;

namespace SecureFed.Client.Cli;

/// <summary>
/// An enrolled participant, loaded from its state folder: its facts, its signing key, its TLS
/// certificate and a connection to the appliance. Dispose clears the signing key.
/// </summary>
internal sealed class ParticipantSession : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly Ed25519PrivateKey _signingKey;

    private ParticipantSession(
        string directory,
        ParticipantState state,
        X509Certificate2 certificate,
        Ed25519PrivateKey signingKey,
        FederationTrust trust,
        Uri? enclave)
    {
        Directory = directory;
        State = state;
        _certificate = certificate;
        _signingKey = signingKey;
        LedgerKey = Ed25519PublicKey.Import(Convert.FromHexString(state.LedgerPublicKey));
        Credentials = new ParticipantCredentials(
            StateDirectory.FederationIdOf(state), state.ParticipantId, signingKey, trust);
        Connection = EnclaveConnection.Open(enclave ?? new Uri(state.Enclave), certificate, trust);
    }

    /// <summary>The state folder.</summary>
    public string Directory { get; }

    /// <summary>The participant's facts.</summary>
    public ParticipantState State { get; }

    /// <summary>What the participant acts with in rounds.</summary>
    public ParticipantCredentials Credentials { get; }

    /// <summary>The appliance's ledger key, as recorded at enrollment.</summary>
    public Ed25519PublicKey LedgerKey { get; }

    /// <summary>The channel to the appliance.</summary>
    public EnclaveConnection Connection { get; }

    /// <summary>
    /// Loads the state folder and connects. <paramref name="role"/> is the role the command
    /// needs; another is refused, naming the option.
    /// </summary>
    /// <exception cref="UsageException">The folder is missing, incomplete, corrupt or of another role.</exception>
    public static ParticipantSession Open(
        string optionName, string directory, ParticipantRole role, Uri? enclave = null)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new UsageException($"{optionName}: '{directory}' does not exist; run securefed enroll.");
        }

        ParticipantState state;
        try
        {
            state = StateDirectory.Load(directory);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UsageException($"{optionName}: {e.Message}", e);
        }

        if (state.Role != ParticipantIdentity.FormatRole(role))
        {
            throw new UsageException(
                $"{optionName}: '{directory}' is enrolled as a {state.Role}, "
                + $"not a {ParticipantIdentity.FormatRole(role)}.");
        }

        X509Certificate2? certificate = null;
        Ed25519PrivateKey? signingKey = null;
        try
        {
            var trust = FederationTrust.FromPemFile(state.CaCertificate);
            certificate = CertificateFiles.LoadWithKey(state.Certificate, state.Key);
            signingKey = StateDirectory.LoadSigningKey(directory);
            return new ParticipantSession(directory, state, certificate, signingKey, trust, enclave);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException
            or FormatException or FederationCaException or System.Security.Cryptography.CryptographicException)
        {
            certificate?.Dispose();
            signingKey?.Dispose();
            throw new UsageException($"{optionName}: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Connection.Dispose();
        _signingKey.Dispose();
        _certificate.Dispose();
    }
}
