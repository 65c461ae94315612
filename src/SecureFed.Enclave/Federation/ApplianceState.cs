// The appliance's state directory, created by `securefed-enclave init`:
//
//   enclave.db            SQLite (WAL): federation facts, participants, rounds, ledger
//   ledger.key            the 32-byte Ed25519 seed that signs ledger entries (mode 0600)
//   tls/ca.crt            the federation CA's certificate (no CA key is ever here)
//   tls/appliance.crt     the appliance's TLS certificate, issued by the federation CA
//   tls/appliance.key     its private key (mode 0600)
//   spool/, aggregates/   masked or encrypted contributions, and round outcomes
//
// The directory itself is mode 0700. The appliance holds no key that decrypts a
// contribution: HE mode's secret key exists only as the custodians' shares.

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecureFed.Crypto.Ckks;
using SecureFed.Crypto.Signatures;
using SecureFed.Enclave.Ledger;
using SecureFed.Enclave.Storage;
using SecureFed.Protocol.Enrollment;
using SecureFed.Protocol.Identity;

namespace SecureFed.Enclave.Federation;

/// <summary>Creates and opens the appliance's state directory.</summary>
public static class ApplianceState
{
    /// <summary>File of the ledger signing key.</summary>
    public const string LedgerKeyFile = "ledger.key";

    /// <summary>The federation CA certificate, relative to the state directory.</summary>
    public static readonly string CaCertificateFile = Path.Combine("tls", "ca.crt");

    /// <summary>The appliance certificate, relative to the state directory.</summary>
    public static readonly string CertificateFile = Path.Combine("tls", "appliance.crt");

    /// <summary>The appliance's TLS key, relative to the state directory.</summary>
    public static readonly string KeyFile = Path.Combine("tls", "appliance.key");

    private const string FactsKey = "facts";

    /// <summary>
    /// Initialises <paramref name="stateDirectory"/>: checks the appliance certificate
    /// against the CA, copies both in, makes the ledger key and the database, and writes the
    /// first ledger entry.
    /// </summary>
    /// <exception cref="InvalidOperationException">The directory already holds appliance state.</exception>
    /// <exception cref="ArgumentException">The certificate is not a valid appliance certificate of the CA.</exception>
    public static FederationFacts Initialize(
        string stateDirectory,
        string caCertificatePath,
        string certificatePath,
        string keyPath,
        double epsilonLimit,
        double delta,
        int ringDegree)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        if (File.Exists(Path.Combine(stateDirectory, EnclaveDatabase.FileName)))
        {
            throw new InvalidOperationException($"{stateDirectory} already holds appliance state.");
        }

        if (!(epsilonLimit > 0) || double.IsInfinity(epsilonLimit))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilonLimit), epsilonLimit, "Epsilon must be positive.");
        }

        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Delta must be in (0, 1).");
        }

        var parameters = CkksParameters.CreateDefault(ringDegree);
        using var ca = CertificateFiles.LoadCertificate(caCertificatePath);
        using var appliance = CertificateFiles.LoadWithKey(certificatePath, keyPath);
        var trust = new FederationTrust(ca);
        var check = trust.ValidateServer(appliance);
        if (!check.IsValid)
        {
            throw new ArgumentException(
                $"The appliance certificate is not usable: {check.Message}", nameof(certificatePath));
        }

        CreatePrivateDirectory(stateDirectory);
        CreatePrivateDirectory(Path.Combine(stateDirectory, "tls"));
        File.Copy(caCertificatePath, Path.Combine(stateDirectory, CaCertificateFile));
        File.Copy(certificatePath, Path.Combine(stateDirectory, CertificateFile));
        CopyPrivate(keyPath, Path.Combine(stateDirectory, KeyFile));

        byte[] seed = RandomNumberGenerator.GetBytes(Ed25519PrivateKey.KeySize);
        try
        {
            WritePrivate(Path.Combine(stateDirectory, LedgerKeyFile), seed);
            var facts = new FederationFacts(
                RandomNumberGenerator.GetBytes(16), FederationName(ca), epsilonLimit, delta, parameters);
            using var database = EnclaveDatabase.Open(stateDirectory, create: true);
            using var ledger = new LedgerStore(database, Ed25519PrivateKey.Import(seed));
            database.InTransaction(transaction =>
            {
                using var insert = EnclaveDatabase.Command(
                    transaction, "INSERT INTO federation (key, value) VALUES ($key, $value);");
                insert.Parameters.AddWithValue("$key", FactsKey);
                insert.Parameters.AddWithValue("$value", EnclaveJson.Bytes(StoredFacts.Of(facts)));
                insert.ExecuteNonQuery();
                // The appliance's certificate key vouches for the ledger key, as a participant's
                // vouches for its signing key when it enrolls.
                byte[] vouch = EnrollmentStatement.Sign(
                    appliance, facts.Id, check.Identity!, ledger.PublicKey.Bytes.Span);
                return ledger.Append(
                    transaction,
                    LedgerKinds.FederationCreated,
                    LedgerPayloads.FederationCreated(
                        facts, ca.RawData, ledger.PublicKey.Bytes.Span, appliance.RawData, vouch));
            });
            return facts;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Reads the federation facts of an initialised state directory.</summary>
    public static FederationFacts LoadFacts(EnclaveDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        byte[] stored = database.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM federation WHERE key = $key;";
            command.Parameters.AddWithValue("$key", FactsKey);
            return command.ExecuteScalar() as byte[]
                ?? throw new InvalidDataException("The appliance state has no federation facts.");
        });
        return EnclaveJson.Read<StoredFacts>(stored).ToFacts();
    }

    /// <summary>Loads the ledger signing key.</summary>
    public static Ed25519PrivateKey LoadLedgerKey(string stateDirectory)
    {
        byte[] seed = File.ReadAllBytes(Path.Combine(stateDirectory, LedgerKeyFile));
        try
        {
            return seed.Length == Ed25519PrivateKey.KeySize
                ? Ed25519PrivateKey.Import(seed)
                : throw new InvalidDataException($"{LedgerKeyFile} is not a {Ed25519PrivateKey.KeySize}-byte key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The federation's name: the CA certificate's common name.</summary>
    private static string FederationName(X509Certificate2 ca) =>
        ca.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } name ? name : "federation";

    private static void CreatePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void CopyPrivate(string source, string destination)
    {
        byte[] key = File.ReadAllBytes(source);
        try
        {
            WritePrivate(destination, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static void WritePrivate(string path, ReadOnlySpan<byte> data)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (OperatingSystem.IsLinux())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(data);
        file.Flush(flushToDisk: true);
    }

    private sealed record StoredFacts(byte[] Id, string Name, double EpsilonLimit, double Delta, int RingDegree)
    {
        public static StoredFacts Of(FederationFacts facts) =>
            new(facts.Id, facts.Name, facts.EpsilonLimit, facts.Delta, facts.CkksParameters.RingDegree);

        public FederationFacts ToFacts() =>
            new(Id, Name, EpsilonLimit, Delta, CkksParameters.CreateDefault(RingDegree));
    }
}
