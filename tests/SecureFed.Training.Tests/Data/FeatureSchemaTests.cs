using SecureFed.Training.Data;

namespace SecureFed.Training.Tests.Data;

public sealed class FeatureSchemaTests
{
    private const string TwoFeatures =
        """
        {"label": "y", "classes": ["a", "b"], "features": [
          {"name": "f0", "min": -1, "max": 3}, {"name": "f1", "min": 0, "max": 0.5}]}
        """;

    // f1 on the log scale: ln(x + 1) over [0, 99] runs from 0 to ln 100.
    private const string LogSecond =
        """
        {"label": "y", "classes": ["a", "b"], "features": [
          {"name": "f0", "min": 0, "max": 2}, {"name": "f1", "min": 0, "max": 99, "log_offset": 1}]}
        """;

    [Theory]
    [InlineData("wdbc.schema.json", "wdbc.csv", 30)]
    [InlineData("digits.schema.json", "digits.csv", 64)]
    public void Load_ShippedSchema_MatchesItsCsvAndCoversEveryValue(
        string schemaFile, string csvFile, int featureCount)
    {
        var schema = FeatureSchema.Load(TestData.Path(schemaFile));
        var data = TabularDataSet.LoadCsv(TestData.Path(csvFile), schema.Label);

        schema.CheckColumns(TestData.Path(csvFile));
        schema.CheckMatches(data);

        Assert.Equal(featureCount, schema.FeatureCount);
        var features = data.Features.ToArray();
        for (var i = 0; i < features.Length; i++)
        {
            var range = schema.Features[i % featureCount];
            Assert.InRange(features[i], range.Min, range.Max);
        }
    }

    [Fact]
    public void Load_Wdbc_PutsEveryFeatureOnALogScaleWithAPositiveArgument()
    {
        var schema = FeatureSchema.Load(TestData.Path("wdbc.schema.json"));

        Assert.All(schema.Features, range =>
        {
            Assert.NotNull(range.LogOffset);
            Assert.True(range.Min + range.LogOffset > 0);
            Assert.Equal(Math.Log(range.Max + range.LogOffset!.Value), range.High);
        });
    }

    [Fact]
    public void Parse_ValidSchema_KeepsNamesRangesAndClasses()
    {
        var schema = FeatureSchema.Parse(TwoFeatures);

        Assert.Equal("y", schema.Label);
        Assert.Equal(["a", "b"], schema.Classes);
        Assert.Equal(new FeatureRange("f1", 0, 0.5), schema.Features[1]);
        Assert.Equal(4, schema.Features[0].Width);
    }

    [Theory]
    [InlineData("""{"name": "f", "min": 2, "max": 2}""", "'f' has min 2 not below max 2")]
    [InlineData("""{"name": "f", "min": 3, "max": 1}""", "'f' has min 3 not below max 1")]
    [InlineData("""{"name": "f", "min": 0, "max": 1e400}""",
        "features[0].max (1e400) is not a finite double")]
    [InlineData("""{"name": "f", "min": "0", "max": 1}""", "features[0].min must be a number")]
    [InlineData("""{"name": "f", "min": 0}""", "features[0] has no 'max'")]
    [InlineData("""{"name": "f", "min": -1.7e308, "max": 1.7e308}""", "too wide")]
    [InlineData("""{"name": "", "min": 0, "max": 1}""", "Feature 0 has no name")]
    [InlineData("""{"name": "f", "min": 0, "max": 1}, {"name": "f", "min": 0, "max": 1}""",
        "'f' is listed twice")]
    [InlineData("", "no features")]
    public void Parse_InvalidFeature_IsRefusedNamingIt(string features, string expected)
    {
        var json = $$"""{"label": "y", "classes": ["a", "b"], "features": [{{features}}]}""";

        var error = Assert.Throws<FormatException>(() => FeatureSchema.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"label": "y", "classes": ["a"], "features": [{"name": "f", "min": 0, "max": 1}]}""",
        "at least two")]
    [InlineData("""{"label": "", "classes": ["a", "b"], "features": [{"name": "f", "min": 0, "max": 1}]}""",
        "label column name is empty")]
    [InlineData("""{"classes": ["a", "b"], "features": [{"name": "f", "min": 0, "max": 1}]}""", "no 'label'")]
    [InlineData("""{"label": "y", "classes": ["a", "a"], "features": []}""", "'a' is listed twice")]
    [InlineData("""{"label": "y", "classes": ["a", "b"], "features": [""", "not valid JSON")]
    [InlineData("""["y"]""", "must be a JSON object")]
    public void Parse_InvalidSchema_IsRefusedNamingThePart(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FeatureSchema.Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidFile_NamesTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"schema-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, TwoFeatures.Replace("\"max\": 3", "\"max\": -2", StringComparison.Ordinal));
        try
        {
            var error = Assert.Throws<FormatException>(() => FeatureSchema.Load(path));

            Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("'f0' has min -1 not below max -2", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("y,f0,f1", null)]
    [InlineData("f0,f1,y", null)]
    [InlineData("y,f1,f0", "feature column 0 is 'f1', the schema's 'f0'")]
    [InlineData("y,f0", "1 feature columns, the schema 2")]
    [InlineData("label,f0,f1", "no label column 'y'")]
    public void CheckColumns_Header_AcceptsOnlyTheSchemaOrder(string header, string? expected)
    {
        var schema = FeatureSchema.Parse(TwoFeatures);
        var path = Path.Combine(Path.GetTempPath(), $"data-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, header + "\n");
        try
        {
            if (expected is null)
            {
                schema.CheckColumns(path);
            }
            else
            {
                var error = Assert.Throws<FormatException>(() => schema.CheckColumns(path));
                Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckMatches_WrongFeatureCountOrClasses_IsRefused()
    {
        var schema = FeatureSchema.Parse(TwoFeatures);
        var threeFeatures = new TabularDataSet(new float[3], [0], 3, ["a", "b"]);
        var otherClasses = new TabularDataSet(new float[2], [0], 2, ["b", "a"]);

        Assert.Throws<ArgumentException>(() => schema.CheckMatches(threeFeatures));
        Assert.Throws<ArgumentException>(() => schema.CheckMatches(otherClasses));
        schema.CheckMatches(new TabularDataSet(new float[2], [1], 2, ["a", "b"]));
    }

    [Theory]
    [InlineData(0, -1.0, 0.0)]
    [InlineData(0, 3.0, 1.0)]
    [InlineData(0, 0.0, 0.25)]
    [InlineData(0, -5.0, 0.0)]
    [InlineData(0, 1e30, 1.0)]
    [InlineData(0, double.NegativeInfinity, 0.0)]
    [InlineData(1, 0.125, 0.25)]
    [InlineData(1, 0.75, 1.0)]
    public void ToUnit_Value_IsScaledAndClampedToUnitInterval(int feature, double value, double expected)
    {
        var schema = FeatureSchema.Parse(TwoFeatures);

        Assert.Equal(expected, schema.ToUnit(feature, value));
    }

    [Fact]
    public void ToUnit_NaN_IsRefused()
    {
        var schema = FeatureSchema.Parse(TwoFeatures);

        Assert.Throws<ArgumentException>(() => schema.ToUnit(1, double.NaN));
        Assert.Throws<ArgumentException>(() => schema.ToUnit([0f, float.NaN], new double[2]));
    }

    [Fact]
    public void Prepare_OutOfRangeValues_MovesThemToTheEnds()
    {
        var schema = FeatureSchema.Parse(TwoFeatures);
        var data = new TabularDataSet([-4f, 0.25f, 2f, 9f], [0, 1], 2, ["a", "b"]);

        var clamped = schema.Prepare(data);

        Assert.Equal([-1f, 0.25f, 2f, 0.5f], clamped.Features.ToArray());
        Assert.Equal(data.Labels.ToArray(), clamped.Labels.ToArray());
    }

    [Fact]
    public void Prepare_LogFeature_ClampsThenTakesTheLogOfValuePlusOffset()
    {
        var schema = FeatureSchema.Parse(LogSecond);
        var data = new TabularDataSet([0f, 0f, 1f, 9f, 2f, 1000f], [0, 1, 0], 2, ["a", "b"]);

        var prepared = schema.Prepare(data).Features.ToArray();

        Assert.Equal(0f, prepared[0]);
        Assert.Equal((float)Math.Log(1), prepared[1]);
        Assert.Equal((float)Math.Log(10), prepared[3]);
        Assert.Equal((float)Math.Log(100), prepared[5]);
        Assert.Equal([0f, 1f, 2f], [prepared[0], prepared[2], prepared[4]]);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(9.0, 0.5)]
    [InlineData(99.0, 1.0)]
    [InlineData(5000.0, 1.0)]
    [InlineData(-3.0, 0.0)]
    public void ToUnit_LogFeature_IsLinearInTheLog(double value, double expected)
    {
        var schema = FeatureSchema.Parse(LogSecond);

        Assert.Equal(expected, schema.ToUnit(1, value), 12);
    }

    [Fact]
    public void RangeMoments_LogFeature_AreTheMidpointAndSixthOfTheLogRange()
    {
        var schema = FeatureSchema.Parse(LogSecond);

        var (mean, scale) = schema.RangeMoments();

        Assert.Equal((float)(Math.Log(100) / 2), mean[1]);
        Assert.Equal((float)(Math.Log(100) / 6), scale[1]);
    }

    [Theory]
    [InlineData("0", "min + log_offset must be positive")]
    [InlineData("-2", "min + log_offset must be positive")]
    [InlineData("\"1\"", "log_offset must be a number")]
    public void Parse_BadLogOffset_IsRefusedWithTheFeatureNamed(string offset, string message)
    {
        var json = "{\"label\": \"y\", \"classes\": [\"a\", \"b\"], \"features\": ["
            + "{\"name\": \"f0\", \"min\": 0, \"max\": 3, \"log_offset\": " + offset + "}]}";

        var error = Assert.Throws<FormatException>(() => FeatureSchema.Parse(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownFeatureProperty_IsRefused()
    {
        var json = """
            {"label": "y", "classes": ["a", "b"], "features": [
              {"name": "f0", "min": 0, "max": 3, "scale": "log"}]}
            """;

        var error = Assert.Throws<FormatException>(() => FeatureSchema.Parse(json));

        Assert.Contains("unknown property 'scale'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RangeMoments_StandardiseRangeEndsToMinusThreeAndThree()
    {
        var schema = FeatureSchema.Parse(TwoFeatures);
        var data = new TabularDataSet([-1f, 0f, 3f, 0.5f, 1f, 0.25f], [0, 1, 0], 2, ["a", "b"]);
        var (mean, scale) = schema.RangeMoments();

        var standardised = data.Standardize(mean, scale);

        Assert.Equal([-3f, -3f, 3f, 3f, 0f, 0f], standardised.Features.ToArray());
    }
}
