using System.Diagnostics;
using System.Text.Json;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary><c>securefed-sim demo</c> from its command line.</summary>
[Collection("Console")]
public sealed class DemoCommandTests : IDisposable
{
    private readonly string _directory =
        Path.Combine(Path.GetTempPath(), "securefed-demo-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("--no-dp excludes", "--no-dp", "--epsilon", "3")]
    [InlineData("--no-dp excludes", "--no-dp", "--record-epsilon", "3")]
    [InlineData("--server-momentum must lie in [0, 1)", "--server-momentum", "1")]
    [InlineData("--server-momentum must lie in [0, 1)", "--server-momentum", "-0.1")]
    [InlineData("--tail-rounds must be at least 1", "--tail-rounds", "0")]
    [InlineData("--moments-share must lie in (0, 1)", "--moments-share", "1")]
    [InlineData("--moments-share must lie in (0, 1)", "--moments-share", "0")]
    [InlineData("--lr must be positive and finite", "--lr", "-1")]
    [InlineData("--server-lr must be positive and finite", "--server-lr", "0")]
    [InlineData("--local-epochs must be from 1 to 100", "--local-epochs", "0")]
    [InlineData("--record-clip must be positive and finite", "--record-clip", "0")]
    public void Demo_InvalidOption_IsRefusedBeforeAnythingRuns(string message, params string[] options)
    {
        var clock = Stopwatch.StartNew();

        var (code, output) = Run(["demo", "--json", "--out", _directory, .. options]);

        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith(message, root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(_directory), "a refused demo wrote its folder");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Demo_InvalidOptionWithoutJson_ExplainsOnStandardError()
    {
        var originalError = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var (code, output) = Run(["demo", "--tail-rounds", "0"]);

            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Equal("error: --tail-rounds must be at least 1.", error.ToString().Trim());
        }
        finally
        {
            Console.SetError(originalError);
        }
    }

    [Fact]
    public void Demo_SmallMaskRun_PrintsTheReportAndWritesItsFolder()
    {
        var (code, output) = Run(
            ["demo", "--mode", "mask", "--rounds", "2", "--clients", "4", "--json", "--out", _directory]);

        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.InRange(root.GetProperty("baseline_accuracy").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("accuracy").GetProperty("mask").GetDouble(), 0, 1);

        // Record-level DP at epsilon 3 is the default: the clients plan their steps to spend it.
        Assert.Equal("record", root.GetProperty("privacy_level").GetString());
        double epsilon = root.GetProperty("epsilon").GetDouble();
        Assert.InRange(epsilon, 3 * 0.9, 3);
        Assert.Equal(epsilon, root.GetProperty("record_epsilon").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("client_epsilon").ValueKind);
        Assert.Equal(1e-5, root.GetProperty("delta").GetDouble());

        // With DP the features are standardised by the public schema, at no privacy cost.
        // wdbc's schema puts all 30 features on a log scale first.
        string standardization = root.GetProperty("standardization").GetString()!;
        Assert.StartsWith("public schema", standardization, StringComparison.Ordinal);
        Assert.Contains("30 of 30 on a log scale", standardization, StringComparison.Ordinal);
        Assert.Equal(2, root.GetProperty("rounds").GetInt32());
        Assert.Equal(4, root.GetProperty("clients").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);

        string[] files =
        [
            "accuracy.png", "epsilon.png", "ledger-mask.json", "model-baseline.safetensors",
            "model-mask.safetensors", "model.json", "report.md",
        ];
        string[] written = [.. Directory.GetFiles(_directory).Select(f => Path.GetFileName(f)!).Order()];
        Assert.Equal(files, written);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static (int Code, string Output) Run(string[] args)
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
