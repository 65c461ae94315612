using System.Text.Json;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Audit.Tests;

[Collection("Console")]
public class PrivacyCommandsTests
{
    [Fact]
    public void Epsilon_ReproducesTheMnistSettingOfDpAccounting()
    {
        // q = 150/60000, sigma = 1.3, 6000 steps, delta = 1e-5: epsilon 0.7242234 at order 19
        // (dp_accounting and TensorFlow Privacy test suites).
        var (code, output) = Run(
            "epsilon", "--noise-multiplier", "1.3", "--sample-rate", "0.0025", "--steps", "6000",
            "--delta", "1e-5", "--json");

        Assert.Equal(0, code);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(0.7242234, root.GetProperty("epsilon").GetDouble(), 1e-6);
        Assert.Equal(19, root.GetProperty("order").GetDouble());
        Assert.Equal(1e-5, root.GetProperty("delta").GetDouble());
        Assert.Equal(1.3, root.GetProperty("noise_multiplier").GetDouble());
        Assert.Equal("rdp", root.GetProperty("accountant").GetString());
    }

    [Fact]
    public void Calibrate_ReturnsTheNoiseMultiplierThatMeetsTheTarget()
    {
        var (code, output) = Run(
            "calibrate", "--epsilon", "2", "--delta", "1e-5", "--sample-rate", "0.01", "--steps", "500", "--json");

        Assert.Equal(0, code);
        var root = JsonDocument.Parse(output).RootElement;
        double z = root.GetProperty("noise_multiplier").GetDouble();
        Assert.True(root.GetProperty("epsilon").GetDouble() <= 2);
        Assert.True(RdpAccountant.Epsilon(z * (1 - 1e-3), 0.01, 500, 1e-5).Epsilon > 2);
    }

    [Fact]
    public void Epsilon_WithThePldAccountant_IsTighterThanRdp()
    {
        string[] common =
        [
            "epsilon", "--noise-multiplier", "1.1", "--sample-rate", "0.01", "--steps", "1000",
            "--delta", "1e-5", "--json",
        ];

        var (pldCode, pld) = Run([.. common, "--accountant", "pld"]);
        var (_, rdp) = Run(common);

        Assert.Equal(0, pldCode);
        var pldRoot = JsonDocument.Parse(pld).RootElement;
        Assert.Equal("pld", pldRoot.GetProperty("accountant").GetString());
        Assert.Equal(JsonValueKind.Null, pldRoot.GetProperty("order").ValueKind);
        double pldEpsilon = pldRoot.GetProperty("epsilon").GetDouble();
        double rdpEpsilon = JsonDocument.Parse(rdp).RootElement.GetProperty("epsilon").GetDouble();
        Assert.InRange(pldEpsilon, 0.5 * rdpEpsilon, rdpEpsilon);
    }

    [Fact]
    public void Calibrate_WithThePldAccountant_MatchesDpAccounting()
    {
        // ε = 1, δ = 1e-5, q = 0.01, one step: σ = 0.673793 (dp_accounting's PLD calibration).
        var (code, output) = Run(
            "calibrate", "--epsilon", "1", "--delta", "1e-5", "--sample-rate", "0.01", "--steps", "1",
            "--accountant", "pld", "--json");

        Assert.Equal(0, code);
        double z = JsonDocument.Parse(output).RootElement.GetProperty("noise_multiplier").GetDouble();
        Assert.Equal(0.673793, z, 0.673793 * 1e-3);
    }

    [Theory]
    [InlineData("--noise-multiplier", "0")]
    [InlineData("--noise-multiplier", "-1")]
    [InlineData("--sample-rate", "0")]
    [InlineData("--sample-rate", "1.5")]
    [InlineData("--delta", "0")]
    [InlineData("--delta", "1")]
    [InlineData("--steps", "0")]
    public void Epsilon_RefusesBadParameters_WithExitCode2AndTheOptionNamed(string option, string value)
    {
        var args = new List<string>
        {
            "epsilon", "--noise-multiplier", "1", "--sample-rate", "0.01", "--steps", "10",
            "--delta", "1e-5", "--json",
        };
        args[args.IndexOf(option) + 1] = value;

        var (code, output) = Run([.. args]);

        Assert.Equal(2, code);
        Assert.StartsWith(option, JsonDocument.Parse(output).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Calibrate_RefusesANonPositiveEpsilon()
    {
        var (code, _) = Run(
            "calibrate", "--epsilon", "0", "--delta", "1e-5", "--sample-rate", "0.01", "--steps", "5", "--json");

        Assert.Equal(2, code);
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            return (Program.Main(args), writer.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
