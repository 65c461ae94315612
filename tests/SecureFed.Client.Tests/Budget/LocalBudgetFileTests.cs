using SecureFed.Client.Budget;
using SecureFed.Client.Tests.Updates;

namespace SecureFed.Client.Tests.Budget;

/// <summary>Budget files that are corrupt or look edited are refused and left alone.</summary>
public sealed class LocalBudgetFileTests : IDisposable
{
    private const string Round =
        "{\"kind\": \"dp_sgd\", \"federation_id\": \"fed\", \"round_id\": \"r1\", "
        + "\"noise_multiplier\": 1.1, \"sample_rate\": 0.01, \"steps\": 100}";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Budget(
        string epsilon = "3", string delta = "1e-5", string accountant = "\"rdp\"",
        string rounds = "[" + Round + "]", string extra = "") =>
        $"{{\"format\": 1, \"epsilon\": {epsilon}, \"delta\": {delta}, \"accountant\": {accountant}, "
        + $"\"rounds\": {rounds}{extra}}}";

    private string Save(string text)
    {
        string path = Path.Combine(_folder.Path, LocalBudget.FileName);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    [Fact]
    public void Load_HandWrittenFile_IsRead()
    {
        Save(Budget());

        LocalBudget budget = LocalBudget.Load(_folder.Path);

        Assert.Equal(new DpSgdRound("fed", "r1", 1.1, 0.01, 100), Assert.Single(budget.Rounds));
        Assert.Equal(3, budget.EpsilonLimit);
    }

    public static TheoryData<string, string> Corrupt() => new()
    {
        { "{\"format\": 1, \"epsilon\": 3", "not a valid budget file" },
        { "null", "null instead of a budget" },
        { Budget(epsilon: "-3"), "epsilon limit -3" },
        { Budget(epsilon: "0"), "epsilon limit 0" },
        { Budget(delta: "1.5"), "delta 1.5" },
        { Budget(epsilon: "\"3\""), "not a valid budget file" },
        { Budget(accountant: "\"moments\""), "not a valid budget file" },
        { Budget(accountant: "0"), "not a valid budget file" },
        { Budget(extra: ", \"spent\": 0"), "not a valid budget file" },
        { Budget(extra: ", \"epsilon\": 100"), "not a valid budget file" },
        { Budget(rounds: "null"), "not a valid budget file" },
        { Budget(rounds: "[null]"), "round 0 is null" },
        { Budget(rounds: "[" + Round.Replace("dp_sgd", "magic", StringComparison.Ordinal) + "]"),
            "not a valid budget file" },
        { Budget(rounds: "[" + Round.Replace("\"kind\": \"dp_sgd\", ", "", StringComparison.Ordinal) + "]"),
            "not a valid budget file" },
        { Budget(rounds: "[" + Round.Replace("1.1", "-1.1", StringComparison.Ordinal) + "]"),
            "round 0 (dp_sgd) is out of range" },
        { Budget(rounds: "[" + Round.Replace("0.01", "2", StringComparison.Ordinal) + "]"),
            "round 0 (dp_sgd) is out of range" },
        { Budget(rounds: "[" + Round.Replace("\"r1\"", "\"\"", StringComparison.Ordinal) + "]"),
            "round 0 (dp_sgd) is out of range" },
        { Budget(rounds: "[" + Round.Replace("100}", "100, \"x\": 1}", StringComparison.Ordinal) + "]"),
            "not a valid budget file" },
        { Budget(rounds: "[" + Round.Replace(", \"steps\": 100", "", StringComparison.Ordinal) + "]"),
            "not a valid budget file" },
        { Budget(rounds: "[" + Round + ", " + Round + "]"), "charged twice" },
        { Budget().Replace("\"format\": 1", "\"format\": 2", StringComparison.Ordinal), "format is 2" },
    };

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void Load_CorruptOrEditedFile_IsRefusedAndLeftAlone(string text, string fragment)
    {
        string path = Save(text);

        var e = Assert.Throws<InvalidDataException>(() => LocalBudget.Load(_folder.Path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(path));
    }

    [Fact]
    public void Load_FileOthersMayWrite_IsRefused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string path = Save(Budget());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);

        var e = Assert.Throws<InvalidDataException>(() => LocalBudget.Load(_folder.Path));
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCharge_FileCorruptedAfterLoading_ThrowsAndLeavesIt()
    {
        string path = Save(Budget());
        LocalBudget budget = LocalBudget.Load(_folder.Path);
        File.WriteAllText(path, Budget(epsilon: "-1"));

        Assert.Throws<InvalidDataException>(
            () => budget.TryCharge(new GaussianRound("fed", "r2", 10), out _));

        Assert.Equal(Budget(epsilon: "-1"), File.ReadAllText(path));
    }
}
