using System.Text.Json;

namespace SecureFed.Simulator.Tests;

[Collection("Console")]
public class BenchSecAggCommandTests
{
    [Fact]
    public void BenchSecAgg_WithJson_PrintsOneObjectWithTheRequiredFields()
    {
        var (code, output) = Run(
            "bench", "secagg", "--clients", "12", "--dim", "500",
            "--dropout", "0.1", "--dropout-at", "share", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        string[] fields =
        [
            "clients", "dim", "dropped", "neighbours", "threshold", "exact",
            "client_ms", "server_ms", "bytes_up_per_client", "prg_gbps",
        ];
        foreach (var field in fields)
        {
            Assert.True(root.TryGetProperty(field, out _), $"missing {field}");
        }

        Assert.True(root.GetProperty("exact").GetBoolean());
        Assert.Equal(12, root.GetProperty("clients").GetInt32());
        Assert.Equal(1, root.GetProperty("dropped").GetInt32());
    }

    [Theory]
    [InlineData("--clients", "1")]
    [InlineData("--dropout", "0.9")]
    [InlineData("--bits", "65")]
    public void BenchSecAgg_RejectsOutOfRangeOptions_WithAClearError(string option, string value)
    {
        var args = new List<string> { "bench", "secagg", "--clients", "10", "--dim", "10", "--json" };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, output) = Run([.. args]);

        Assert.Equal(2, code);
        Assert.Contains(option, JsonDocument.Parse(output).RootElement.GetProperty("error").GetString());
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            int code = Program.Main(args);
            return (code, writer.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
