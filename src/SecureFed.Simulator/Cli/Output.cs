using System.Text.Json;

namespace SecureFed.Simulator.Cli;

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
}
