using System.Security.Cryptography;
using System.Text.Json;
using Grpc.Core;
using SecureFed.Protocol;
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

    /// <summary>
    /// Runs a command's asynchronous work and prints its report. Bad input or files exit 2
    /// (the message names the option); a refusal or failure from the appliance, or something
    /// the participant refuses from it, exits 1; otherwise the report's own exit code.
    /// </summary>
    public static async Task<int> RunAsync<T>(
        bool json, Func<Task<T>> work, Action<T> printText, Func<T, int>? exitCode = null)
    {
        T report;
        try
        {
            report = await work().ConfigureAwait(false);
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
        catch (RpcException e)
        {
            Fail(json, $"the appliance refused: {e.Status.StatusCode}: {e.Status.Detail}");
            return 1;
        }
        catch (Exception e) when (e is ProtocolViolationException or RoundAbortedException)
        {
            Fail(json, e.Message);
            return 1;
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            printText(report);
        }

        return exitCode?.Invoke(report) ?? 0;
    }
}
