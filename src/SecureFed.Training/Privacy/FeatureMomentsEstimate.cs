namespace SecureFed.Training.Privacy;

/// <summary>
/// Feature moments decoded from the aggregate of <see cref="PrivateFeatureMoments"/>
/// contributions: per feature a mean and a scale on the model's scale (raw units, or log units
/// for a feature with a log offset), ready for <see cref="Data.TabularDataSet.Standardize"/> of
/// <see cref="Data.FeatureSchema.Prepare"/>d data, and the same in the unit range.
/// </summary>
/// <param name="Mean">Each feature's estimated mean on the model's scale, inside its public
/// range.</param>
/// <param name="Scale">Each feature's estimated standard deviation on the model's scale: between
/// the floor and half the width of its public range.</param>
/// <param name="UnitMean">Each feature's estimated mean of u, in [0, 1].</param>
/// <param name="UnitStd">Each feature's estimated standard deviation of u, in
/// [floor, 0.5].</param>
/// <param name="RowCount">The noised number of rows of all contributions together; may be
/// fractional, and below zero when the noise dominates.</param>
public sealed record FeatureMomentsEstimate(
    float[] Mean,
    float[] Scale,
    double[] UnitMean,
    double[] UnitStd,
    double RowCount);
