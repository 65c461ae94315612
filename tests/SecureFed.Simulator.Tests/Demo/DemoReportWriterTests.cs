using System.Text;
using System.Text.Json;
using SecureFed.Client.Updates;
using SecureFed.Simulator.Demo;
using SecureFed.Training.Models;

namespace SecureFed.Simulator.Tests.Demo;

/// <summary>
/// The folder <c>securefed-sim demo --out</c> writes: the report, the plots, the final
/// models and the exported ledgers, from a made-up record-level DP report.
/// </summary>
public sealed class DemoReportWriterTests : IDisposable
{
    private static readonly float[] BaselineModel = [0.5f, -1.25f, 3f, 0.125f, -0.75f, 2f];
    private static readonly float[] MaskModel = [0.25f, -1f, 2.5f, 0f, -0.5f, 1.75f];
    private static readonly byte[] MaskLedger = Encoding.UTF8.GetBytes("{\"entries\":[{\"round\":1}]}\n");

    private readonly string _directory =
        Path.Combine(Path.GetTempPath(), "securefed-report-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Write_CreatesExactlyTheListedFiles()
    {
        var report = Report();

        DemoReportWriter.Write(report, _directory);

        string[] written = [.. Directory.GetFiles(_directory).Select(f => Path.GetFileName(f)!).Order()];
        string[] listed = [.. DemoReportWriter.Files(report).Order()];
        Assert.Equal(listed, written);
        string[] expected =
        [
            "accuracy.png", "epsilon.png", "ledger-mask.json", "model-baseline.safetensors",
            "model-mask.safetensors", "model.json", "report.md",
        ];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void Write_WithoutModelsOrDp_ListsAndWritesOnlyTheReportAndAccuracyPlot()
    {
        var report = Report() with
        {
            RecordEpsilon = null,
            Delta = null,
            RecordEpsilonCurves = new Dictionary<string, double[]>(),
            Model = null,
            Models = new Dictionary<string, float[]>(),
            Ledgers = new Dictionary<string, byte[]>(),
        };

        DemoReportWriter.Write(report, _directory);

        Assert.Equal(["report.md", "accuracy.png"], DemoReportWriter.Files(report));
        string[] written = [.. Directory.GetFiles(_directory).Select(f => Path.GetFileName(f)!).Order()];
        Assert.Equal(["accuracy.png", "report.md"], written);
    }

    [Theory]
    [InlineData("baseline")]
    [InlineData("mask")]
    public void Write_ModelFile_ReadsBackWithTheSameValues(string run)
    {
        DemoReportWriter.Write(Report(), _directory);

        var update = ModelUpdateFile.Read(Path.Combine(_directory, $"model-{run}.safetensors"));

        Assert.Equal(run == "mask" ? MaskModel : BaselineModel, update.Values);
        var tensor = Assert.Single(update.Tensors);
        Assert.Equal("parameters", tensor.Name);
        Assert.Equal([6], tensor.Shape);
    }

    [Fact]
    public void Write_ModelJson_HoldsTheClassesPreprocessingAndStandardisation()
    {
        DemoReportWriter.Write(Report(), _directory);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "model.json")));
        var root = json.RootElement;
        Assert.Equal("logistic_regression", root.GetProperty("kind").GetString());
        Assert.Equal(2, root.GetProperty("features").GetInt32());
        Assert.Equal(["benign", "malignant"], Strings(root.GetProperty("classes")));
        Assert.Equal([14.125f, -0.5f], Floats(root.GetProperty("mean")));
        Assert.Equal([3.5f, 0.25f], Floats(root.GetProperty("scale")));
        Assert.Equal("noised moments", root.GetProperty("standardization").GetString());
        var first = root.GetProperty("preprocessing")[0];
        Assert.Equal("radius", first.GetProperty("name").GetString());
        Assert.Equal(29, first.GetProperty("max").GetDouble());
        Assert.Equal(0.29, first.GetProperty("log_offset").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("preprocessing")[1].GetProperty("log_offset").ValueKind);
    }

    [Fact]
    public void Write_Ledger_IsTheExportedBytesUnchanged()
    {
        DemoReportWriter.Write(Report(), _directory);

        Assert.Equal(MaskLedger, File.ReadAllBytes(Path.Combine(_directory, "ledger-mask.json")));
    }

    [Fact]
    public void Markdown_HasTheRecordLevelEpsilonTableAndTheFiles()
    {
        string markdown = DemoReportWriter.Markdown(Report());

        Assert.Contains("Record-level epsilon after each round", markdown, StringComparison.Ordinal);
        Assert.Contains("| 1 | 1.25 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2 | 2.5 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 3 | 2.987 |", markdown, StringComparison.Ordinal);
        Assert.Contains("epsilon 2.987 at delta 1E-05", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("as the appliance reports it", markdown, StringComparison.Ordinal);
        Assert.Contains("`model-baseline.safetensors`", markdown, StringComparison.Ordinal);
        Assert.Contains("`model-mask.safetensors`", markdown, StringComparison.Ordinal);
        Assert.Contains("`model.json`", markdown, StringComparison.Ordinal);
        Assert.Contains("`ledger-mask.json`", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ReportMd_IsTheMarkdown()
    {
        var report = Report();

        DemoReportWriter.Write(report, _directory);

        Assert.Equal(DemoReportWriter.Markdown(report), File.ReadAllText(Path.Combine(_directory, "report.md")));
    }

    [Fact]
    public void Write_OnlyRecordEpsilonCurves_DrawsTheEpsilonPlot()
    {
        var report = Report();
        Assert.Empty(report.EpsilonCurves);

        DemoReportWriter.Write(report, _directory);

        var plot = new FileInfo(Path.Combine(_directory, "epsilon.png"));
        Assert.True(plot.Exists);
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G'];
        Assert.Equal(signature, File.ReadAllBytes(plot.FullName)[..4]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string[] Strings(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static float[] Floats(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.GetSingle())];

    private static DemoReport Report() => new()
    {
        Dataset = "wdbc",
        Partition = "dirichlet",
        Clients = 4,
        Rounds = 3,
        BaselineAccuracy = 0.95,
        Accuracy = new Dictionary<string, double> { ["mask"] = 0.9 },
        Curves = new Dictionary<string, double[]>
        {
            ["baseline"] = [0.8, 0.9, 0.95],
            ["mask"] = [0.7, 0.85, 0.9],
        },
        RecordEpsilon = 2.987,
        Delta = 1e-5,
        RecordEpsilonCurves = new Dictionary<string, double[]> { ["mask"] = [1.25, 2.5, 2.987] },
        Bits = 32,
        Model = new DemoModel(
            ModelKind.LogisticRegression, 64, 2, ["benign", "malignant"],
            [new DemoFeature("radius", 6, 29, 0.29), new DemoFeature("texture", 9, 40, null)],
            [14.125f, -0.5f], [3.5f, 0.25f], "noised moments"),
        Models = new Dictionary<string, float[]> { ["baseline"] = BaselineModel, ["mask"] = MaskModel },
        Ledgers = new Dictionary<string, byte[]> { ["mask"] = MaskLedger },
        ModeSeconds = new Dictionary<string, double> { ["mask"] = 2 },
        Seconds = 3,
    };
}
