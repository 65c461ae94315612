using System.Globalization;
using System.Text.Json;
using SecureFed.Client.Tests.Updates;
using SecureFed.Client.Training;
using SecureFed.Client.Updates;
using SecureFed.Training;
using SecureFed.Training.Data;

namespace SecureFed.Client.Tests.Cli;

[Collection("Console")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TrainCommandTests : IDisposable
{
    // wdbc: 30 features, classes B and M; logistic regression has 30 * 2 + 2 parameters.
    private const int Rows = 100;
    private const int Features = 30;
    private const int LogRegParameters = (Features * 2) + 2;

    private readonly TempFolder _folder = new();

    public TrainCommandTests()
    {
        // The first rows of wdbc mix both classes; a slice keeps DP-SGD's per-example passes quick.
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "wdbc.csv"));
        File.WriteAllLines(DataPath, lines.Take(Rows + 1));

        var data = TabularDataSet.LoadCsv(DataPath, "diagnosis", ["B", "M"]);
        var (mean, scale) = data.FeatureMoments();
        File.WriteAllText(StandardizationPath, JsonSerializer.Serialize(new { mean, scale }));
    }

    public void Dispose() => _folder.Dispose();

    private string DataPath => _folder.File("wdbc-slice.csv");

    private string StandardizationPath => _folder.File("standardization.json");

    private string StateDir => _folder.File("state");

    private string AccountantPath => Path.Combine(StateDir, RecordLevelAccountant.FileName);

    [Fact]
    public void Train_OnWdbc_WritesAnUpdateOfTheParameterCountThatLearns()
    {
        string update = _folder.File("update.npy");
        string model = _folder.File("model.npy");

        var (code, root) = Run(Base(update, "--model-out", model, "--epochs", "5", "--seed", "7"));

        Assert.Equal(0, code);
        Assert.Equal(Rows, root.GetProperty("examples").GetInt32());
        Assert.Equal(LogRegParameters, root.GetProperty("parameters").GetInt32());
        Assert.Equal("seed", root.GetProperty("started_from").GetString());
        Assert.True(root.GetProperty("accuracy_after").GetDouble() >= 0.9);
        Assert.True(root.GetProperty("train_loss").GetDouble() > 0);
        Assert.False(root.TryGetProperty("record_epsilon", out _));
        float[] delta = ModelUpdateFile.Read(update).Values;
        float[] trained = ModelUpdateFile.Read(model).Values;
        Assert.Equal(LogRegParameters, delta.Length);
        Assert.Contains(delta, value => value != 0);

        // Trained minus the update is where every client with seed 7 starts.
        using var fresh = new LocalTrainer(Features, 2, new TrainingOptions { Seed = 7 });
        float[] start = fresh.GetParameters();
        for (int i = 0; i < start.Length; i++)
        {
            Assert.Equal(start[i], trained[i] - delta[i], 1e-5f);
        }
    }

    [Fact]
    public void Train_WeightByExamples_WritesNTimesTheDeltaThenN()
    {
        string global = _folder.File("global.safetensors");
        float[] globalValues = [.. Enumerable.Range(0, LogRegParameters).Select(i => (i % 7) * 0.01f)];
        ModelUpdateFile.Write(global, ModelUpdate.FromVector(globalValues));
        string update = _folder.File("update.npy");
        string model = _folder.File("model.npy");

        var (code, root) = Run(Base(update, "--global", global, "--model-out", model, "--weight-by-examples"));

        Assert.Equal(0, code);
        Assert.Equal("global", root.GetProperty("started_from").GetString());
        Assert.Equal(LogRegParameters + 1, root.GetProperty("update_length").GetInt32());
        float[] weighted = ModelUpdateFile.Read(update).Values;
        float[] trained = ModelUpdateFile.Read(model).Values;
        Assert.Equal(LogRegParameters + 1, weighted.Length);
        Assert.Equal(Rows, weighted[^1]);
        for (int i = 0; i < LogRegParameters; i++)
        {
            Assert.Equal(Rows * (trained[i] - globalValues[i]), weighted[i], 1e-3f);
        }
    }

    [Fact]
    public void Train_GlobalOfTheWrongLength_IsRefusedAndWritesNothing()
    {
        string global = _folder.File("global.npy");
        ModelUpdateFile.Write(global, ModelUpdate.FromVector(new float[LogRegParameters - 1]));
        string update = _folder.File("update.npy");

        var (code, root) = Run(Base(update, "--global", global));

        Assert.Equal(2, code);
        string error = root.GetProperty("error").GetString()!;
        Assert.Contains("--global", error, StringComparison.Ordinal);
        Assert.Contains(LogRegParameters.ToString(CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
        Assert.False(File.Exists(update));
    }

    [Fact]
    public void Train_LabelNotInClasses_IsRefusedNamingTheLabel()
    {
        string update = _folder.File("update.npy");

        var (code, root) = Run(Base(update, "--classes", "B,benign"));

        Assert.Equal(2, code);
        string error = root.GetProperty("error").GetString()!;
        Assert.Contains("--data", error, StringComparison.Ordinal);
        Assert.Contains("'M'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(update));
    }

    [Fact]
    public void Train_Classes_NumberedByTheirPositionInTheList()
    {
        string first = _folder.File("first.npy");
        string swapped = _folder.File("swapped.npy");

        Assert.Equal(0, Run(Base(first, "--model-out", _folder.File("m1.npy"))).Code);
        var (code, root) = Run(Base(swapped, "--classes", "M,B", "--model-out", _folder.File("m2.npy")));

        // With the classes swapped the same data trains the output rows the other way round.
        Assert.Equal(0, code);
        Assert.Equal(["M", "B"], root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.NotEqual(ModelUpdateFile.Read(first).Values, ModelUpdateFile.Read(swapped).Values);
    }

    [Fact]
    public void Train_OutputIsAnInput_IsRefused()
    {
        string global = _folder.File("global.npy");
        ModelUpdateFile.Write(global, ModelUpdate.FromVector(new float[LogRegParameters]));
        byte[] before = File.ReadAllBytes(global);

        var (code, root) = Run(Base(global, "--global", global));

        Assert.Equal(2, code);
        Assert.Contains("--update-out", root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(global));
    }

    [Fact]
    public void Train_RecordLevelDp_PersistsTheAccountantAndSpendsMoreEachCall()
    {
        var (firstCode, first) = Run(Dp(_folder.File("u1.npy"), plannedRounds: 3));
        string afterFirst = File.ReadAllText(AccountantPath);
        var (secondCode, second) = Run(Dp(_folder.File("u2.npy"), plannedRounds: 3));

        Assert.Equal(0, firstCode);
        Assert.Equal(0, secondCode);
        double spentFirst = first.GetProperty("record_epsilon").GetDouble();
        double spentSecond = second.GetProperty("record_epsilon").GetDouble();
        Assert.InRange(spentFirst, 1e-6, 2.0);
        Assert.InRange(spentSecond, spentFirst * 1.01, 2.0);
        Assert.Equal(1e-5, second.GetProperty("record_delta").GetDouble());
        Assert.Equal(
            first.GetProperty("noise_multiplier").GetDouble(),
            second.GetProperty("noise_multiplier").GetDouble());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("train_loss").ValueKind);
        Assert.Equal(LogRegParameters, ModelUpdateFile.Read(_folder.File("u2.npy")).Values.Length);

        using var saved = JsonDocument.Parse(File.ReadAllText(AccountantPath));
        Assert.Equal(2, saved.RootElement.GetProperty("steps").GetArrayLength());
        Assert.NotEqual(afterFirst, File.ReadAllText(AccountantPath));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(AccountantPath));
    }

    [Fact]
    public void Train_RecordLevelDpPastTheTarget_IsRefusedAndChangesNothing()
    {
        Assert.Equal(0, Run(Dp(_folder.File("u1.npy"), plannedRounds: 2)).Code);
        Assert.Equal(0, Run(Dp(_folder.File("u2.npy"), plannedRounds: 2)).Code);
        byte[] before = File.ReadAllBytes(AccountantPath);
        string update = _folder.File("u3.npy");

        var (code, root) = Run(Dp(update, plannedRounds: 2));

        Assert.Equal(2, code);
        string error = root.GetProperty("error").GetString()!;
        Assert.Contains("--record-epsilon", error, StringComparison.Ordinal);
        Assert.Contains("past the target", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(AccountantPath));
        Assert.False(File.Exists(update));
    }

    [Fact]
    public void Train_RecordLevelDpWithAnotherPlan_IsRefusedAndChangesNothing()
    {
        Assert.Equal(0, Run(Dp(_folder.File("u1.npy"), plannedRounds: 2)).Code);
        byte[] before = File.ReadAllBytes(AccountantPath);

        var (code, root) = Run(Dp(_folder.File("u2.npy"), plannedRounds: 20));

        Assert.Equal(2, code);
        Assert.Contains("20", root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(AccountantPath));
    }

    [Fact]
    public void Train_RecordLevelAccountantEdited_IsRefusedAndLeftAsItIs()
    {
        Assert.Equal(0, Run(Dp(_folder.File("u1.npy"), plannedRounds: 3)).Code);
        string edited = File.ReadAllText(AccountantPath)
            .Replace("\"steps\": 3", "\"steps\": -3", StringComparison.Ordinal);
        File.WriteAllText(AccountantPath, edited);

        var (code, root) = Run(Dp(_folder.File("u2.npy"), plannedRounds: 3));

        Assert.Equal(2, code);
        Assert.Contains("--state-dir", root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(edited, File.ReadAllText(AccountantPath));
        Assert.False(File.Exists(_folder.File("u2.npy")));
    }

    [Theory]
    [InlineData("--model", "--model", "cnn")]
    [InlineData("--optimizer", "--optimizer", "rmsprop")]
    [InlineData("--classes", "--classes", "B")]
    [InlineData("--classes", "--classes", "B,B")]
    [InlineData("--learning-rate", "--learning-rate", "0")]
    [InlineData("--hidden", "--hidden", "8")]
    [InlineData("--state-dir", "--record-epsilon", "1", "--record-delta", "1e-5", "--planned-rounds", "2")]
    [InlineData("--record-delta", "--record-epsilon", "1", "--record-delta", "1", "--planned-rounds", "2")]
    [InlineData("--record-epsilon", "--planned-rounds", "2")]
    [InlineData("--standardization", "--standardization", "nonexistent.json")]
    public void Train_BadOption_ExitsWith2NamingIt(string named, params string[] rest)
    {
        string update = _folder.File("update.npy");

        var (code, root) = Run(Base(update, rest));

        Assert.Equal(2, code);
        Assert.Contains(named, root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(update));
        Assert.False(Directory.Exists(StateDir));
    }

    [Fact]
    public void Train_Diverging_IsRefusedAndWritesNothing()
    {
        string update = _folder.File("update.npy");

        var (code, root) = Run(Base(update, "--learning-rate", "1e38", "--epochs", "3"));

        Assert.Equal(2, code);
        Assert.Contains("diverged", root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(update));
    }

    [Fact]
    public void Train_SchemaLogPreprocessing_LearnsOnTheLogScale()
    {
        // The federation's public schema: clamp each feature to its range, take ln(x + offset),
        // then standardise by the range rule on that scale, as the demo does with DP.
        var schema = FeatureSchema.Load(Path.Combine(AppContext.BaseDirectory, "data", "wdbc.schema.json"));
        var (mean, scale) = schema.RangeMoments();
        var preprocessing = schema.Features
            .Select(f => new { name = f.Name, min = f.Min, max = f.Max, log_offset = f.LogOffset });
        string path = _folder.File("log.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { preprocessing, mean, scale }));
        string update = _folder.File("update.npy");

        var (code, root) = Run(Base(update, "--standardization", path, "--epochs", "5", "--seed", "7"));

        Assert.Equal(0, code);
        Assert.True(root.GetProperty("accuracy_after").GetDouble() >= 0.9);
    }

    [Fact]
    public void Train_StandardizationOfTheWrongWidth_IsRefused()
    {
        string bad = _folder.File("narrow.json");
        File.WriteAllText(bad, """{"mean": [0, 0], "scale": [1, 1]}""");

        var (code, root) = Run(Base(_folder.File("update.npy"), "--standardization", bad));

        Assert.Equal(2, code);
        Assert.Contains("--standardization", root.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private string[] Base(string update, params string[] rest)
    {
        // A test replaces any of these by giving the option itself.
        (string Name, string Value)[] defaults =
        [
            ("--data", DataPath), ("--label-column", "diagnosis"), ("--classes", "B,M"),
            ("--update-out", update), ("--standardization", StandardizationPath),
        ];
        return
        [
            "train",
            .. defaults.Where(d => !rest.Contains(d.Name)).SelectMany(d => (string[])[d.Name, d.Value]),
            .. rest,
            "--json",
        ];
    }

    private string[] Dp(string update, int plannedRounds) => Base(
        update,
        "--record-epsilon", "2",
        "--record-delta", "1e-5",
        "--clip-norm", "1",
        "--planned-rounds", plannedRounds.ToString(CultureInfo.InvariantCulture),
        "--state-dir", StateDir);

    private static (int Code, JsonElement Root) Run(string[] args)
    {
        TextWriter original = Console.Out;
        using var writer = new StringWriter();
        Console.SetOut(writer);
        int code;
        try
        {
            code = Program.Main(args);
        }
        finally
        {
            Console.SetOut(original);
        }

        using var json = JsonDocument.Parse(writer.ToString());
        return (code, json.RootElement.Clone());
    }
}
