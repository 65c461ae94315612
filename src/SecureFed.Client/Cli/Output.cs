using System.Security.Cryptography;
using System.Text.Json;
using SecureFed.Protocol.Identity;

namespace SecureFed.Client.Cli;

/// <summary>How commands print results and errors, in text or as one JSON object.</summary>
internal static class Output
{
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Reports an error and returns the exit code for it.</summary>
    public static int Fail(bool json, string message)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { error = message }, JsonOptions));
        }
        else
        {
            Console.Error.WriteLine($"error: {message}");
        }

        return 2;
    }

    /// <summary>
    /// Runs a command's work and prints its report, as JSON or as text; a refusal of bad input
    /// or files becomes an error message and exit code 2.
    /// </summary>
    public static int Run<T>(bool json, Func<T> work, Action<T> printText)
    {
        T report;
        try
        {
            report = work();
        }
        catch (Exception e) when (e is UsageException
            or FederationCaException
            or CertificateRequestRejectedException
            or IOException
            or UnauthorizedAccessException
            or InvalidDataException
            or CryptographicException
            or ArgumentException)
        {
            return Fail(json, e.Message);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            printText(report);
        }

        return 0;
    }
}
