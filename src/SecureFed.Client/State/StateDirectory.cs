// A participant's state folder (mode 0700): participant.json, the Ed25519 signing key
// (signing.key, 32 bytes, mode 0600) and copies of the TLS certificate, its key and the
// federation CA. The folder is written only once enrollment has succeeded, and never
// overwritten: a second enrollment into it is refused, so a key the ledger binds to this
// participant is never lost to a typo. Loading refuses anything missing, malformed or open to
// other users, naming the file.

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.State;

/// <summary>Creates and loads a participant's state folder.</summary>
public static class StateDirectory
{
    /// <summary>The participant's facts.</summary>
    public const string StateFileName = "participant.json";

    /// <summary>The Ed25519 signing key's 32-byte seed.</summary>
    public const string SigningKeyFileName = "signing.key";

    /// <summary>The TLS certificate, copied in.</summary>
    public const string CertificateFileName = "tls.crt";

    /// <summary>The TLS private key, copied in.</summary>
    public const string KeyFileName = "tls.key";

    /// <summary>The federation CA's certificate, copied in.</summary>
    public const string CaFileName = "ca.crt";

    /// <summary>The folder of round receipts.</summary>
    public const string ReceiptsFolderName = "receipts";

    private const long MaxStateFileBytes = 64 * 1024;

    private const UnixFileMode PrivateFolder =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>Whether <paramref name="directory"/> holds an enrollment (or part of one).</summary>
    public static bool IsEnrolled(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return File.Exists(Path.Combine(directory, StateFileName))
            || File.Exists(Path.Combine(directory, SigningKeyFileName));
    }

    /// <summary>
    /// Writes a new state folder: the signing key's seed, copies of the three PEM files, and
    /// <c>participant.json</c> last, so that a folder without it is recognisably incomplete.
    /// </summary>
    /// <param name="directory">The folder; created with mode 0700 if missing.</param>
    /// <param name="state">The facts; its file paths are replaced by those of the copies.</param>
    /// <param name="signingSeed">The 32-byte Ed25519 seed. The caller clears it.</param>
    /// <param name="certificatePath">The TLS certificate to copy.</param>
    /// <param name="keyPath">The TLS private key to copy.</param>
    /// <param name="caPath">The federation CA certificate to copy.</param>
    /// <returns>The state as written.</returns>
    /// <exception cref="IOException">The folder holds an enrollment already, or a write failed.</exception>
    public static ParticipantState Create(
        string directory,
        ParticipantState state,
        ReadOnlySpan<byte> signingSeed,
        string certificatePath,
        string keyPath,
        string caPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(state);
        if (signingSeed.Length != Ed25519PrivateKey.KeySize)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(signingSeed));
        }

        directory = Path.GetFullPath(directory);
        if (IsEnrolled(directory))
        {
            throw new IOException($"{directory} holds an enrollment already; it is never overwritten.");
        }

        CreatePrivateFolder(directory);
        var written = state with
        {
            Certificate = Path.Combine(directory, CertificateFileName),
            Key = Path.Combine(directory, KeyFileName),
            CaCertificate = Path.Combine(directory, CaFileName),
        };
        WriteNew(Path.Combine(directory, SigningKeyFileName), signingSeed, CertificateFiles.PrivateKeyMode);
        CopyNew(keyPath, written.Key, CertificateFiles.PrivateKeyMode, secret: true);
        CopyNew(certificatePath, written.Certificate, CertificateFiles.PublicFileMode, secret: false);
        CopyNew(caPath, written.CaCertificate, CertificateFiles.PublicFileMode, secret: false);
        WriteNew(
            Path.Combine(directory, StateFileName),
            JsonSerializer.SerializeToUtf8Bytes(written, JsonOptions),
            CertificateFiles.PublicFileMode);
        return written;
    }

    /// <summary>Reads <c>participant.json</c> of <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no enrollment.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt; the message names it.</exception>
    public static ParticipantState Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.Combine(Path.GetFullPath(directory), StateFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{directory} holds no enrollment ({StateFileName} is missing); run securefed enroll.", path);
        }

        if (new FileInfo(path).Length > MaxStateFileBytes)
        {
            throw new InvalidDataException($"{path} is too large to be a participant file.");
        }

        ParticipantState? state;
        try
        {
            state = JsonSerializer.Deserialize<ParticipantState>(File.ReadAllBytes(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is corrupt: {e.Message}", e);
        }

        if (state is null)
        {
            throw new InvalidDataException($"{path} is corrupt: it holds no participant.");
        }

        Check(path, state);
        return state;
    }

    /// <summary>The federation id of <paramref name="state"/> as bytes.</summary>
    public static byte[] FederationIdOf(ParticipantState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Convert.FromHexString(state.FederationId);
    }

    /// <summary>
    /// Loads the signing key of <paramref name="directory"/>. The file's bytes are cleared once
    /// imported; the caller disposes the key.
    /// </summary>
    /// <exception cref="FileNotFoundException">The key file is missing.</exception>
    /// <exception cref="UnauthorizedAccessException">Other users may access the key file.</exception>
    /// <exception cref="InvalidDataException">The file is not a 32-byte seed.</exception>
    public static Ed25519PrivateKey LoadSigningKey(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.Combine(Path.GetFullPath(directory), SigningKeyFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing; the enrollment is incomplete.", path);
        }

        RequireOwnerOnly(path);
        byte[] seed = ReadSmall(path, Ed25519PrivateKey.KeySize + 1);
        try
        {
            if (seed.Length != Ed25519PrivateKey.KeySize)
            {
                throw new InvalidDataException(
                    $"{path} is corrupt: a signing key is {Ed25519PrivateKey.KeySize} bytes, not {seed.Length}.");
            }

            return Ed25519PrivateKey.Import(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Writes <paramref name="data"/> to a new file (never replacing one) with
    /// <paramref name="mode"/> set at creation, and flushes it to disk.
    /// </summary>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public static void WriteNew(string path, ReadOnlySpan<byte> data, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(data);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> atomically with <paramref name="data"/>: a new
    /// temporary file beside it, flushed, then renamed over it.
    /// </summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> data, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        try
        {
            WriteNew(temporary, data, mode);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Takes the lock of <paramref name="path"/>: an exclusively opened <c>PATH.lock</c>
    /// (created 0600), retried every 50 ms until <paramref name="timeout"/>. Whoever holds the
    /// returned stream holds the lock; disposing it releases the lock. The lock file stays, so
    /// that two processes never race to create it.
    /// </summary>
    /// <exception cref="IOException">Another process held the lock for the whole timeout.</exception>
    public static FileStream LockFile(string path, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path + ".lock", options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Reads a whole file of at most <paramref name="limit"/> bytes.</summary>
    /// <exception cref="InvalidDataException">The file is larger.</exception>
    public static byte[] ReadSmall(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > limit)
        {
            throw new InvalidDataException($"{path} is {stream.Length} bytes, more than the {limit} expected.");
        }

        var data = new byte[stream.Length];
        stream.ReadExactly(data);
        return data;
    }

    /// <summary>Refuses a secret file that users other than its owner may access.</summary>
    /// <exception cref="UnauthorizedAccessException">The file's mode lets others in.</exception>
    public static void RequireOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((File.GetUnixFileMode(path) & others) != 0)
        {
            throw new UnauthorizedAccessException(
                $"{path} may be accessed by other users; it must be mode 0600.");
        }
    }

    /// <summary>Creates <paramref name="directory"/>, open to its owner only, if it is missing.</summary>
    public static void CreatePrivateFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, PrivateFolder);
        }
    }

    private static void Check(string path, ParticipantState state)
    {
        if (!Uri.TryCreate(state.Enclave, UriKind.Absolute, out var enclave) || enclave.Scheme != Uri.UriSchemeHttps)
        {
            throw Corrupt(path, "enclave is not an https address");
        }

        if (!IsHex(state.FederationId, 16))
        {
            throw Corrupt(path, "federation_id is not 16 bytes of hex");
        }

        if (!IsHex(state.LedgerPublicKey, Ed25519PublicKey.KeySize))
        {
            throw Corrupt(path, "ledger_public_key is not 32 bytes of hex");
        }

        if (!ParticipantIdentity.TryParseRole(state.Role, out var role)
            || role is not (ParticipantRole.Client or ParticipantRole.Custodian))
        {
            throw Corrupt(path, "role is neither client nor custodian");
        }

        if (!ParticipantIdentity.IsValidName(state.Name))
        {
            throw Corrupt(path, "name is not a participant name");
        }

        foreach (string file in (string[])[state.Certificate, state.Key, state.CaCertificate])
        {
            if (string.IsNullOrEmpty(file) || !Path.IsPathFullyQualified(file))
            {
                throw Corrupt(path, "a certificate path is missing or not absolute");
            }
        }
    }

    private static bool IsHex(string? text, int bytes) =>
        text is not null
        && text.Length == 2 * bytes
        && text.All(char.IsAsciiHexDigit);

    private static InvalidDataException Corrupt(string path, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{path} is corrupt: {what}."));

    private static void CopyNew(string source, string destination, UnixFileMode mode, bool secret)
    {
        byte[] data = ReadSmall(source, CertificateFiles.MaxPemFileBytes);
        try
        {
            WriteNew(destination, data, mode);
        }
        finally
        {
            if (secret)
            {
                CryptographicOperations.ZeroMemory(data);
            }
        }
    }
}
