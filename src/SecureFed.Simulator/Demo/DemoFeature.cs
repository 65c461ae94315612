using SecureFed.Training.Data;

namespace SecureFed.Simulator.Demo;

/// <summary>
/// One feature's preprocessing in <c>model.json</c>: clamp to [Min, Max], then ln(x +
/// LogOffset) when LogOffset is not null.
/// </summary>
/// <param name="Name">The CSV column name.</param>
/// <param name="Min">The lower end of the public range, in raw units.</param>
/// <param name="Max">The upper end of the public range, in raw units.</param>
/// <param name="LogOffset">The log offset, or null for a linear feature.</param>
public sealed record DemoFeature(string Name, double Min, double Max, double? LogOffset)
{
    /// <summary>The preprocessing of one schema feature.</summary>
    public static DemoFeature From(FeatureRange range) =>
        new(range.Name, range.Min, range.Max, range.LogOffset);
}
