using System.Text.Json;

namespace SecureFed.Audit.Cli;

/// <summary>How commands print results and errors, in text or as one JSON object.</summary>
internal static class Output
{
    /// <summary>Exit code of a command refused for bad parameters.</summary>
    public const int BadParameters = 2;

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Reports bad parameters and returns the exit code for them.</summary>
    public static int Refuse(bool json, string message)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { error = message }, JsonOptions));
        }
        else
        {
            Console.Error.WriteLine($"error: {message}");
        }

        return BadParameters;
    }
}
