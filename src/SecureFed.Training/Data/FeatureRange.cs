namespace SecureFed.Training.Data;

/// <summary>
/// One feature of a <see cref="FeatureSchema"/>: its column name and the public range
/// [<paramref name="Min"/>, <paramref name="Max"/>] its values are clamped to.
/// </summary>
/// <param name="Name">The CSV column name.</param>
/// <param name="Min">The lower end of the public range; finite.</param>
/// <param name="Max">The upper end of the public range; finite and above
/// <paramref name="Min"/>.</param>
public readonly record struct FeatureRange(string Name, double Min, double Max)
{
    /// <summary>The width Max - Min of the range.</summary>
    public double Width => Max - Min;
}
