using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SecureFed.Protocol.Identity;

/// <summary>
/// Reading and writing the PEM files of the federation PKI (RFC 7468): certificates,
/// certificate requests and PKCS#8 private keys (RFC 5958). Files are never overwritten, and
/// private keys are created readable by their owner only.
/// </summary>
public static class CertificateFiles
{
    /// <summary>The mode of private key files: read and write for the owner only (0600).</summary>
    public const UnixFileMode PrivateKeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The mode of certificate and request files (0644).</summary>
    public const UnixFileMode PublicFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The largest PEM file read, far above any certificate or key of this PKI.</summary>
    public const int MaxPemFileBytes = 64 * 1024;

    private const UnixFileMode OtherAccess =
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes <paramref name="key"/> as a PKCS#8 PEM file with mode 0600. The file must not
    /// exist yet; the key bytes are cleared from memory once written.
    /// </summary>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public static void WritePrivateKey(string path, AsymmetricAlgorithm key)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(key);

        byte[] der = key.ExportPkcs8PrivateKey();
        char[]? pem = null;
        byte[]? ascii = null;
        try
        {
            pem = PemEncoding.Write("PRIVATE KEY", der);
            ascii = Encoding.ASCII.GetBytes(pem);
            WriteNew(path, ascii, PrivateKeyMode);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            if (pem is not null)
            {
                Array.Clear(pem);
            }

            if (ascii is not null)
            {
                CryptographicOperations.ZeroMemory(ascii);
            }
        }
    }

    /// <summary>Writes public PEM text (a certificate or a request) to a new file, mode 0644.</summary>
    /// <exception cref="IOException">The file exists already or cannot be written.</exception>
    public static void WritePublic(string path, string pem)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(pem);
        WriteNew(path, Encoding.ASCII.GetBytes(pem), PublicFileMode);
    }

    /// <summary>Reads a PEM certificate file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no valid PEM certificate.</exception>
    public static X509Certificate2 LoadCertificate(string path)
    {
        string pem = ReadText(path);
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"'{path}' does not hold a valid PEM certificate.", e);
        }
    }

    /// <summary>
    /// Loads a certificate and its private key from two PEM files into a certificate that
    /// <see cref="System.Net.Security.SslStream"/> and Kestrel can present. The key file must
    /// not be accessible to other users; its bytes are cleared once imported.
    /// </summary>
    /// <exception cref="FileNotFoundException">Either file does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">Other users may access the key file.</exception>
    /// <exception cref="InvalidDataException">
    /// A file is not valid PEM, or the key does not belong to the certificate.
    /// </exception>
    public static X509Certificate2 LoadWithKey(string certificatePemPath, string keyPemPath)
    {
        string certificatePem = ReadText(certificatePemPath);
        RequireNoOtherAccess(keyPemPath);
        char[] keyPem = ReadSecretText(keyPemPath);
        try
        {
            return FromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException(
                $"'{certificatePemPath}' and '{keyPemPath}' are not a valid certificate and its key.", e);
        }
        finally
        {
            Array.Clear(keyPem);
        }
    }

    /// <summary>
    /// Combines a PEM certificate and its PEM private key into a certificate usable for TLS.
    /// </summary>
    /// <exception cref="CryptographicException">
    /// The PEM is invalid or the key does not belong to the certificate.
    /// </exception>
    public static X509Certificate2 FromPem(string certificatePem, ReadOnlySpan<char> keyPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (ArgumentException e)
        {
            throw new CryptographicException("The private key does not belong to the certificate.", e);
        }

        // Limitation: SChannel on Windows cannot use an ephemeral key, so there the
        // certificate goes through a PKCS#12 round trip; on Linux (the appliance's platform)
        // OpenSSL uses the ephemeral key directly and no key material is re-exported.
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }

        using (certificate)
        {
            byte[] pfx = certificate.Export(X509ContentType.Pkcs12);
            try
            {
                return X509CertificateLoader.LoadPkcs12(pfx, password: null);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pfx);
            }
        }
    }

    /// <summary>Reads a private key PEM file into a char array that the caller must clear.</summary>
    internal static char[] ReadSecretText(string path)
    {
        byte[] bytes = ReadBytes(path);
        try
        {
            return Encoding.ASCII.GetChars(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Reads a public PEM file (a certificate or a request).</summary>
    internal static string ReadText(string path) => Encoding.ASCII.GetString(ReadBytes(path));

    /// <summary>Refuses a key file that users other than the owner (and its group) may access.</summary>
    internal static void RequireNoOtherAccess(string path) =>
        RequireModeWithout(path, OtherAccess, "other users");

    /// <summary>Refuses a key file that anyone but its owner may access.</summary>
    internal static void RequireOwnerOnly(string path) =>
        RequireModeWithout(
            path,
            OtherAccess | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute,
            "its group or other users");

    private static void RequireModeWithout(string path, UnixFileMode forbidden, string who)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Key file '{path}' does not exist.", path);
        }

        var mode = File.GetUnixFileMode(path);
        if ((mode & forbidden) != 0)
        {
            throw new UnauthorizedAccessException(
                $"Key file '{path}' may be accessed by {who} (mode {ToOctal(mode)}); "
                + "restrict it with chmod 600.");
        }
    }

    private static byte[] ReadBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"File '{path}' does not exist.", path);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > MaxPemFileBytes)
        {
            throw new InvalidDataException(
                $"'{path}' is {stream.Length} bytes; a PEM file of this PKI is at most {MaxPemFileBytes}.");
        }

        byte[] bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static void WriteNew(string path, byte[] contents, UnixFileMode mode)
    {
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

        if (File.Exists(path))
        {
            throw new IOException($"'{path}' exists already; it is never overwritten.");
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        // The umask can only take bits away from the create mode; this makes the mode exact.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static string ToOctal(UnixFileMode mode) =>
        Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
