using SecureFed.Training.Data;

namespace SecureFed.Client.Training;

/// <summary>
/// A standardization from <see cref="StandardizationFile.Read"/>: optional per-feature
/// preprocessing, then a mean and a scale per feature.
/// </summary>
/// <param name="Preprocessing">Each feature's range and log offset, or null for none.</param>
/// <param name="Mean">Each feature's mean, on the preprocessed scale.</param>
/// <param name="Scale">Each feature's scale, on the preprocessed scale; positive.</param>
public sealed record Standardization(
    IReadOnlyList<FeatureRange>? Preprocessing, float[] Mean, float[] Scale)
{
    /// <summary>
    /// <paramref name="data"/> clamped and put on each feature's scale (when there is
    /// preprocessing), then standardised, as a new data set.
    /// </summary>
    /// <exception cref="ArgumentException">The data set has another number of features, or
    /// a value is NaN.</exception>
    public TabularDataSet Apply(TabularDataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var mapped = Preprocessing is null ? data : data.MapFeatures(Preprocessing);
        return mapped.Standardize(Mean, Scale);
    }
}
