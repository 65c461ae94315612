using SecureFed.Training.Data;

namespace SecureFed.Training.Tests.Data;

public sealed class TabularDataSetTests
{
    [Fact]
    public void LoadCsv_Wdbc_HasItsRowsFeaturesAndClasses()
    {
        var data = TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis");

        Assert.Equal(569, data.RowCount);
        Assert.Equal(30, data.FeatureCount);
        Assert.Equal(["B", "M"], data.ClassNames);
        Assert.Equal(212, data.Labels.ToArray().Count(label => label == 1));
        Assert.Equal(17.99f, data.Features[0]);
    }

    [Fact]
    public void LoadCsv_Digits_NumbersClassesNumerically()
    {
        var data = TabularDataSet.LoadCsv(TestData.Path("digits.csv"), "label");

        Assert.Equal(1797, data.RowCount);
        Assert.Equal(64, data.FeatureCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), data.ClassNames);
    }

    [Fact]
    public void LoadCsv_MissingLabelColumn_IsRefused()
    {
        Assert.Throws<ArgumentException>(
            () => TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "label"));
    }

    [Fact]
    public void LoadCsv_GivenClasses_NumbersThemByPosition()
    {
        var data = TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis", ["M", "B"]);

        Assert.Equal(["M", "B"], data.ClassNames);
        Assert.Equal(212, data.Labels.ToArray().Count(label => label == 0));
    }

    [Fact]
    public void LoadCsv_GivenClassesWithoutARowsLabel_IsRefusedNamingIt()
    {
        var refused = Assert.Throws<FormatException>(
            () => TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis", ["B", "X"]));

        Assert.Contains("'M'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_SameSeed_GivesSameDisjointParts()
    {
        var data = TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis");

        var (train, test) = data.Split(0.2, seed: 3);
        var (trainAgain, _) = data.Split(0.2, seed: 3);

        Assert.Equal(114, test.RowCount);
        Assert.Equal(455, train.RowCount);
        Assert.Equal(train.Features.ToArray(), trainAgain.Features.ToArray());
    }

    [Fact]
    public void Standardize_WithOwnMoments_GivesZeroMeanUnitVariance()
    {
        var data = TabularDataSet.LoadCsv(TestData.Path("wdbc.csv"), "diagnosis");
        var (mean, scale) = data.FeatureMoments();

        var (standardMean, standardScale) = data.Standardize(mean, scale).FeatureMoments();

        Assert.All(standardMean, m => Assert.InRange(m, -1e-4f, 1e-4f));
        Assert.All(standardScale, s => Assert.InRange(s, 0.999f, 1.001f));
    }
}
