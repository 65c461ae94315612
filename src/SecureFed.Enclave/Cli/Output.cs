using System.Security.Cryptography;
using System.Text.Json;

namespace SecureFed.Enclave.Cli;

/// <summary>
/// How the appliance's commands print results and errors: text for people, or exactly one
/// JSON object on stdout with <c>--json</c>. Errors always go to stderr as one line, and with
/// <c>--json</c> also as <c>{"error": ...}</c> on stdout, so that a script reading stdout
/// still gets one object. No error prints a stack trace.
/// </summary>
internal static class Output
{
    /// <summary>Exit code of a failure that is not the input's fault.</summary>
    public const int FailureExitCode = 1;

    /// <summary>Exit code of bad input: an option, a file or the state directory.</summary>
    public const int UsageExitCode = 2;

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Reports an error and returns <paramref name="exitCode"/>.</summary>
    public static int Fail(bool json, string message, int exitCode = UsageExitCode)
    {
        Console.Error.WriteLine($"error: {message}");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { error = message }, JsonOptions));
        }

        return exitCode;
    }

    /// <summary>Runs a command's work and prints its report, as JSON or as text.</summary>
    public static int Run<T>(bool json, Func<T> work, Action<T> printText)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(printText);
        T report;
        try
        {
            report = work();
        }
        catch (Exception e)
        {
            return Fail(json, MessageOf(e), ExitCodeOf(e));
        }

        Print(json, report, printText);
        return 0;
    }

    /// <summary>Prints a report as one JSON object or as text.</summary>
    public static void Print<T>(bool json, T report, Action<T> printText)
    {
        ArgumentNullException.ThrowIfNull(printText);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            printText(report);
        }
    }

    /// <summary>
    /// The exception's message on one line, without the "(Parameter 'x')" that argument
    /// exceptions add: the message already names the option.
    /// </summary>
    public static string MessageOf(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string message = error.Message;
        if (error is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        return message.ReplaceLineEndings(" ");
    }

    /// <summary>
    /// 2 for what the operator can fix by changing the command line, its files or the state
    /// directory; 1 for anything else. Either way only the message is shown: a stack trace
    /// tells an operator nothing and could show more of the state than the message does.
    /// </summary>
    public static int ExitCodeOf(Exception error) => error switch
    {
        UsageException
            or ArgumentException
            or FormatException
            or IOException
            or UnauthorizedAccessException
            or InvalidDataException
            or CryptographicException => UsageExitCode,
        _ => FailureExitCode,
    };
}
