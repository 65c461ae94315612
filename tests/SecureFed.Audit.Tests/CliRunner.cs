using System.Text.Json;

namespace SecureFed.Audit.Tests;

/// <summary>Runs securefed-audit in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (output, error) = (Console.Out, Console.Error);
        using var outWriter = new StringWriter();
        using var errorWriter = new StringWriter();
        Console.SetOut(outWriter);
        Console.SetError(errorWriter);
        try
        {
            return (Program.Main(args), outWriter.ToString(), errorWriter.ToString());
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
        }
    }

    public static (int Code, JsonElement Json) RunJson(params string[] args)
    {
        var (code, output, _) = Run([.. args, "--json"]);
        return (code, JsonDocument.Parse(output).RootElement.Clone());
    }

    public static IReadOnlyList<(string Check, long? Entry, string Reason)> Failures(JsonElement json) =>
        [.. json.GetProperty("failures").EnumerateArray().Select(f => (
            f.GetProperty("check").GetString()!,
            f.GetProperty("entry").ValueKind == JsonValueKind.Null
                ? (long?)null
                : f.GetProperty("entry").GetInt64(),
            f.GetProperty("reason").GetString()!))];
}
