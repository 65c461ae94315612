using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using SecureFed.Client.State;
using SecureFed.Client.Transport;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Grpc;
using SecureFed.Protocol.Grpc.V1;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Cli;

/// <summary>
/// <c>securefed enroll</c>: registers a client's or custodian's new Ed25519 signing key with
/// the appliance, under its federation certificate, and writes the state folder the other
/// commands use. The folder is written only after the appliance has accepted the key.
/// </summary>
internal static class EnrollCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var enclave = ClientOptions.Enclave();
        var caCert = ClientOptions.CaCert();
        var cert = ClientOptions.Cert();
        var key = ClientOptions.Key();
        var stateDir = ClientOptions.StateDir();
        var json = PkiOptions.Json();
        var command = new Command("enroll", "Enroll this client or custodian with the appliance.")
        {
            enclave, caCert, cert, key, stateDir, json,
        };
        command.SetAction((parse, cancellation) => Output.RunAsync(
            parse.GetValue(json),
            () => EnrollAsync(parse, enclave, caCert, cert, key, stateDir, cancellation),
            Print));
        return command;
    }

    private static async Task<EnrollReport> EnrollAsync(
        ParseResult parse,
        Option<string> enclave,
        Option<string> caCert,
        Option<string> cert,
        Option<string> key,
        Option<string> stateDir,
        CancellationToken cancellation)
    {
        var address = ClientOptions.EnclaveAddress(parse, enclave);
        string caPath = ClientOptions.ExistingFile(parse, caCert);
        string certificatePath = ClientOptions.ExistingFile(parse, cert);
        string keyPath = ClientOptions.ExistingFile(parse, key);
        string directory = Path.GetFullPath(PkiOptions.Required(parse, stateDir));
        if (Directory.Exists(directory) && StateDirectory.IsEnrolled(directory))
        {
            throw new UsageException(
                $"{stateDir.Name}: '{directory}' holds an enrollment already; it is never overwritten.");
        }

        var trust = Load(caCert.Name, () => FederationTrust.FromPemFile(caPath));
        using var certificate = Load(cert.Name, () => CertificateFiles.LoadWithKey(certificatePath, keyPath));
        var identity = CheckCertificate(trust, certificate, cert.Name);

        using var connection = EnclaveConnection.Open(address, certificate, trust);
        var federation = await connection.Federation.GetFederationAsync(
            new GetFederationRequest(), cancellationToken: cancellation);
        if (federation.FederationId.Length != 16 || federation.LedgerPublicKey.Length != Ed25519PublicKey.KeySize)
        {
            throw new ProtocolViolationException("The appliance sent a malformed federation id or ledger key.");
        }

        byte[] federationId = federation.FederationId.ToByteArray();
        var ledgerKey = ImportLedgerKey(federation.LedgerPublicKey.Span);

        // The seed stays in memory until the appliance has accepted its public key: a folder
        // holding a key the appliance never saw would only be refused later.
        byte[] seed = RandomNumberGenerator.GetBytes(Ed25519PrivateKey.KeySize);
        try
        {
            using var signingKey = Ed25519PrivateKey.Import(seed);
            byte[] statement = EnrollmentStatement.Sign(
                certificate, federationId, identity, signingKey.PublicKey.Bytes.Span);
            var response = await connection.Federation.EnrollAsync(
                new EnrollRequest
                {
                    FederationId = ByteString.CopyFrom(federationId),
                    SigningPublicKey = ByteString.CopyFrom(signingKey.PublicKey.Bytes.Span),
                    CertificateSignature = ByteString.CopyFrom(statement),
                },
                cancellationToken: cancellation);
            var receipt = response.Receipt?.ToRecord() ?? throw new ProtocolViolationException(
                "The appliance sent no receipt for the enrollment.");
            bool verified = receipt.Verify(ledgerKey);
            if (!verified)
            {
                throw new ProtocolViolationException(
                    "The enrollment receipt does not verify against the appliance's ledger key.");
            }

            var state = new ParticipantState(
                address.GetLeftPart(UriPartial.Authority),
                Convert.ToHexStringLower(federationId),
                response.ParticipantId,
                ParticipantIdentity.FormatRole(identity.Role),
                identity.Name,
                Convert.ToHexStringLower(federation.LedgerPublicKey.Span),
                certificatePath,
                keyPath,
                caPath);
            var written = StateDirectory.Create(directory, state, seed, certificatePath, keyPath, caPath);
            string receiptPath = ReceiptStore.Save(directory, "enrollment.json", receipt);
            return new EnrollReport(
                directory,
                identity.ToUri(),
                written.Role,
                written.Name,
                written.ParticipantId,
                written.FederationId,
                federation.FederationName,
                written.Enclave,
                Convert.ToHexStringLower(signingKey.PublicKey.Bytes.Span),
                receipt.Entry.Index,
                verified,
                receiptPath);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The identity of a client or custodian certificate issued by the federation CA.</summary>
    internal static ParticipantIdentity CheckCertificate(
        FederationTrust trust, X509Certificate2 certificate, string option,
        params ParticipantRole[] roles)
    {
        if (roles.Length == 0)
        {
            roles = [ParticipantRole.Client, ParticipantRole.Custodian];
        }

        var check = trust.ValidateClient(certificate);
        if (check.Identity is not { } identity)
        {
            throw new UsageException($"{option}: the certificate is refused: {check.Message}");
        }

        if (!roles.Contains(identity.Role))
        {
            throw new UsageException(
                $"{option}: the certificate is for {identity}; this command needs the role "
                + $"{string.Join(" or ", roles.Select(ParticipantIdentity.FormatRole))}.");
        }

        return identity;
    }

    /// <summary>Runs a load, turning a bad file into a message that names the option.</summary>
    internal static T Load<T>(string option, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException
            or CryptographicException or FederationCaException)
        {
            throw new UsageException($"{option}: {e.Message}", e);
        }
    }

    private static Ed25519PublicKey ImportLedgerKey(ReadOnlySpan<byte> key)
    {
        try
        {
            return Ed25519PublicKey.Import(key);
        }
        catch (FormatException)
        {
            throw new ProtocolViolationException("The appliance's ledger key is not a valid Ed25519 key.");
        }
    }

    private static void Print(EnrollReport r)
    {
        Console.WriteLine($"Enrolled {r.Identity} as participant {r.ParticipantId}");
        Console.WriteLine($"  federation: {r.FederationName} ({r.FederationId}) at {r.Enclave}");
        Console.WriteLine($"  signing key (public): {r.SigningPublicKey}");
        Console.WriteLine($"  state: {r.StateDir}");
        Console.WriteLine($"  receipt: ledger entry {r.LedgerEntry}, verified, {r.Receipt}");
    }
}
