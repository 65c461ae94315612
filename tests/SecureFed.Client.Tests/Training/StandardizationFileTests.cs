using SecureFed.Client.Tests.Updates;
using SecureFed.Client.Training;
using SecureFed.Training.Data;

namespace SecureFed.Client.Tests.Training;

public sealed class StandardizationFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_MeanAndScaleOnly_HasNoPreprocessing()
    {
        string path = Write("""{"mean": [1, 2], "scale": [0.5, 4]}""");

        var standardization = StandardizationFile.Read(path, 2);

        Assert.Null(standardization.Preprocessing);
        Assert.Equal([1f, 2f], standardization.Mean);
        Assert.Equal([0.5f, 4f], standardization.Scale);
    }

    [Fact]
    public void Apply_Preprocessing_ClampsTakesTheLogThenStandardises()
    {
        string path = Write(
            """
            {"preprocessing": [{"name": "a", "min": 0, "max": 2},
                               {"min": 0, "max": 99, "log_offset": 1}],
             "mean": [1, 0], "scale": [1, 1]}
            """);
        var data = new TabularDataSet([5f, 9f, -1f, 1000f], [0, 1], 2, ["x", "y"]);

        var standardised = StandardizationFile.Read(path, 2).Apply(data).Features.ToArray();

        Assert.Equal(1f, standardised[0]);
        Assert.Equal((float)Math.Log(10), standardised[1], 6);
        Assert.Equal(-1f, standardised[2]);
        Assert.Equal((float)Math.Log(100), standardised[3], 6);
    }

    [Fact]
    public void Read_NullLogOffset_IsALinearFeature()
    {
        string path = Write(
            """
            {"preprocessing": [{"min": 0, "max": 2, "log_offset": null}],
             "mean": [0], "scale": [1]}
            """);

        var range = Assert.Single(StandardizationFile.Read(path, 1).Preprocessing!);

        Assert.Null(range.LogOffset);
    }

    [Theory]
    [InlineData("""[{"min": 0, "max": 2, "log_offset": 0}]""", "min + log_offset must be positive")]
    [InlineData("""[{"min": 2, "max": 2}]""", "not below max")]
    [InlineData("""[{"min": 0}]""", "needs both")]
    [InlineData("""[{"min": 0, "max": 1, "shift": 3}]""", "'shift'")]
    [InlineData("""[{"min": 0, "max": 1}, {"min": 0, "max": 1}]""", "has 2 entries")]
    [InlineData("""{"min": 0, "max": 1}""", "not an array")]
    [InlineData("""[{"min": "0", "max": 1}]""", "not a finite number")]
    public void Read_BadPreprocessing_IsRefusedNamingTheFault(string preprocessing, string message)
    {
        string path = Write(
            "{\"preprocessing\": " + preprocessing + ", \"mean\": [0], \"scale\": [1]}");

        var error = Assert.Throws<InvalidDataException>(() => StandardizationFile.Read(path, 1));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        string path = _folder.File($"standardization-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
