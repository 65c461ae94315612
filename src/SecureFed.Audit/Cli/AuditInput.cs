using System.Security.Cryptography;
using System.Text;
using SecureFed.Crypto.Signatures;
using SecureFed.Protocol.Ledger;

namespace SecureFed.Audit.Cli;

/// <summary>Reads the files and keys an auditor passes on the command line.</summary>
internal static class AuditInput
{
    // A ledger export of 100k entries is tens of megabytes; anything far beyond is not one.
    private const long MaxFileBytes = 1L << 30;

    /// <summary>Reads a ledger export written by <c>securefed-enclave ledger export</c>.</summary>
    /// <exception cref="AuditInputException">The file is missing, unreadable or malformed.</exception>
    public static LedgerExport ReadLedger(string path)
    {
        string text = ReadText(path, "--ledger");
        try
        {
            return LedgerExport.Deserialize(text);
        }
        catch (FormatException malformed)
        {
            throw new AuditInputException(
                $"--ledger {path} is not a ledger export: {malformed.Message}", malformed);
        }
    }

    /// <summary>Reads a receipt file as a participant's state folder keeps it.</summary>
    /// <exception cref="AuditInputException">The file is missing, unreadable or malformed.</exception>
    public static LedgerReceipt ReadReceipt(string path)
    {
        string text = ReadText(path, "--receipt");
        try
        {
            return LedgerReceipt.FromJson(text);
        }
        catch (Exception malformed) when (malformed is FormatException or ArgumentException)
        {
            throw new AuditInputException(
                $"--receipt {path} is not a receipt: {malformed.Message}", malformed);
        }
    }

    /// <summary>
    /// Reads <c>--ledger-key</c>: a file holding the key (32 raw bytes, or 64 hex digits, or
    /// base64), or the key itself in hex or base64.
    /// </summary>
    /// <exception cref="AuditInputException">Neither form gives a valid Ed25519 public key.</exception>
    public static Ed25519PublicKey ReadLedgerKey(string value)
    {
        byte[]? bytes;
        if (File.Exists(value))
        {
            byte[] content = ReadBytes(value, "--ledger-key");
            bytes = content.Length == Ed25519PublicKey.KeySize
                ? content
                : Decode(Encoding.UTF8.GetString(content).Trim());
        }
        else
        {
            bytes = Decode(value.Trim());
        }

        if (bytes is null || bytes.Length != Ed25519PublicKey.KeySize)
        {
            throw new AuditInputException(
                $"--ledger-key: '{Shorten(value)}' is neither a file nor a 32-byte key in hex or " +
                "base64.");
        }

        try
        {
            return Ed25519PublicKey.Import(bytes);
        }
        catch (FormatException invalid)
        {
            throw new AuditInputException($"--ledger-key: {invalid.Message}", invalid);
        }
    }

    private static byte[]? Decode(string text)
    {
        if (text.Length == 2 * Ed25519PublicKey.KeySize)
        {
            try
            {
                return Convert.FromHexString(text);
            }
            catch (FormatException)
            {
                // Not hex after all; base64 of another length is tried next.
            }
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out int written) ? buffer[..written] : null;
    }

    private static string ReadText(string path, string option)
    {
        byte[] bytes = ReadBytes(path, option);
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException notText)
        {
            throw new AuditInputException($"{option} {path} is not UTF-8 text.", notText);
        }
    }

    private static byte[] ReadBytes(string path, string option)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new AuditInputException($"{option}: no file '{path}'.");
            }

            if (info.Length > MaxFileBytes)
            {
                throw new AuditInputException(
                    $"{option} {path} is {info.Length} bytes, more than any ledger.");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException
            or ArgumentException or NotSupportedException or CryptographicException)
        {
            throw new AuditInputException(
                $"{option} {path} cannot be read: {unreadable.Message}", unreadable);
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";
}
