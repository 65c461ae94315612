using System.Text.Json;
using SecureFed.Client.Budget;
using SecureFed.Client.Cli;
using SecureFed.Client.Tests.Updates;
using SecureFed.Privacy.Accounting;

namespace SecureFed.Client.Tests.Budget;

[Collection("Console")]
public sealed class BudgetCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string StateDir => Path.Combine(_folder.Path, "state");

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = BudgetCommand.Create().Parse(args).Invoke();
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [Fact]
    public void Budget_Init_CreatesTheFileAndPrintsTheLimit()
    {
        var (code, output, _) = Run("--state-dir", StateDir, "--init", "--epsilon", "4", "--delta", "1e-6", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("created").GetBoolean());
        Assert.Equal(4, root.GetProperty("epsilon").GetDouble());
        Assert.Equal(1e-6, root.GetProperty("delta").GetDouble());
        Assert.Equal("rdp", root.GetProperty("accountant").GetString());
        Assert.Equal(0, root.GetProperty("epsilon_spent").GetDouble());
        Assert.Equal(4, root.GetProperty("epsilon_remaining").GetDouble());
        Assert.Equal(0, root.GetProperty("rounds").GetArrayLength());
        Assert.Equal(4, LocalBudget.Load(StateDir).EpsilonLimit);
    }

    [Fact]
    public void Budget_Show_ReportsSpentRemainingAndRounds()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 5, 1e-5);
        budget.TryCharge(new DpSgdRound("fed", "r1", 1.1, 0.01, 100), out _);
        double spent = RdpAccountant.Epsilon(1.1, 0.01, 100, 1e-5).Epsilon;

        var (code, output, _) = Run("--state-dir", StateDir, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.False(root.GetProperty("created").GetBoolean());
        Assert.Equal(spent, root.GetProperty("epsilon_spent").GetDouble(), 12);
        Assert.Equal(5 - spent, root.GetProperty("epsilon_remaining").GetDouble(), 12);
        JsonElement round = Assert.Single(root.GetProperty("rounds").EnumerateArray());
        Assert.Equal("dp_sgd", round.GetProperty("kind").GetString());
        Assert.Equal("r1", round.GetProperty("round_id").GetString());
        Assert.Equal(100, round.GetProperty("steps").GetInt32());
    }

    [Fact]
    public void Budget_ShowAsText_NamesTheRounds()
    {
        LocalBudget budget = LocalBudget.Create(StateDir, 5, 1e-5);
        budget.TryCharge(new GaussianRound("fed", "r7", 3), out _);

        var (code, output, _) = Run("--state-dir", StateDir);

        Assert.Equal(0, code);
        Assert.Contains("remaining: epsilon", output, StringComparison.Ordinal);
        Assert.Contains("fed/r7 (gaussian)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_InitTwice_FailsAndKeepsTheFirst()
    {
        Assert.Equal(0, Run("--state-dir", StateDir, "--init", "--epsilon", "4", "--delta", "1e-6").Code);

        var (code, output, _) = Run("--state-dir", StateDir, "--init", "--epsilon", "40", "--delta", "1e-6", "--json");

        Assert.Equal(2, code);
        Assert.Contains("--state-dir", JsonDocument.Parse(output).RootElement.GetProperty("error").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(4, LocalBudget.Load(StateDir).EpsilonLimit);
    }

    [Theory]
    [InlineData("--epsilon", "--init", "--epsilon", "-1", "--delta", "1e-5")]
    [InlineData("--epsilon", "--init", "--epsilon", "abc", "--delta", "1e-5")]
    [InlineData("--epsilon", "--init", "--delta", "1e-5")]
    [InlineData("--delta", "--init", "--epsilon", "1", "--delta", "1")]
    [InlineData("--delta", "--init", "--epsilon", "1")]
    [InlineData("--accountant", "--init", "--epsilon", "1", "--delta", "1e-5", "--accountant", "moments")]
    [InlineData("--epsilon", "--epsilon", "1")]
    public void Budget_BadOption_ExitsWith2NamingIt(string named, params string[] rest)
    {
        var (code, output, _) = Run(["--state-dir", StateDir, "--json", .. rest]);

        Assert.Equal(2, code);
        string? error = JsonDocument.Parse(output).RootElement.GetProperty("error").GetString();
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(StateDir, LocalBudget.FileName)));
    }

    [Fact]
    public void Budget_WithoutStateDir_ExitsWith2()
    {
        var (code, _, error) = Run("--init", "--epsilon", "1", "--delta", "1e-5");

        Assert.Equal(2, code);
        Assert.Contains("--state-dir", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_ShowWithoutABudget_ExitsWith2()
    {
        Directory.CreateDirectory(StateDir);

        var (code, output, _) = Run("--state-dir", StateDir, "--json");

        Assert.Equal(2, code);
        Assert.Contains("--init", JsonDocument.Parse(output).RootElement.GetProperty("error").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_ShowCorruptFile_ExitsWith2AndLeavesIt()
    {
        Directory.CreateDirectory(StateDir);
        string path = Path.Combine(StateDir, LocalBudget.FileName);
        File.WriteAllText(path, "{\"format\": 1}");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var (code, output, _) = Run("--state-dir", StateDir, "--json");

        Assert.Equal(2, code);
        Assert.Contains(path, JsonDocument.Parse(output).RootElement.GetProperty("error").GetString(),
            StringComparison.Ordinal);
        Assert.Equal("{\"format\": 1}", File.ReadAllText(path));
    }
}
