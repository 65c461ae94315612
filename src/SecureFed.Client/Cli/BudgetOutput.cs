using System.Text.Json;

namespace SecureFed.Client.Cli;

/// <summary>How <c>securefed budget</c> prints results and errors, as text or one JSON
/// object.</summary>
internal static class BudgetOutput
{
    /// <summary>snake_case JSON.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Reports an error and returns its exit code, 2.</summary>
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
