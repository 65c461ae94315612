// A feature's public range, and optionally a log scale for it. Many clinical and financial
// measurements (areas, counts, amounts) spread multiplicatively: on wdbc, area_se has mean 40
// and standard deviation 45 within a range of 0 to 550. Standardising such a feature by its
// range puts nearly every row in a narrow band far from zero, which slows training and, under
// DP, leaves the per-example gradients small next to noise scaled to the clip. On the log
// scale the same feature is close to symmetric, so its range says much more about where the
// rows lie. The offset keeps log(x + offset) finite where the range starts at zero.

namespace SecureFed.Training.Data;

/// <summary>
/// One feature of a <see cref="FeatureSchema"/>: its column name, the public range
/// [<paramref name="Min"/>, <paramref name="Max"/>] its values are clamped to, and, when
/// <paramref name="LogOffset"/> is given, the log scale ln(x + offset) it is modelled on.
/// </summary>
/// <param name="Name">The CSV column name.</param>
/// <param name="Min">The lower end of the public range, in raw units; finite.</param>
/// <param name="Max">The upper end of the public range, in raw units; finite and above
/// <paramref name="Min"/>.</param>
/// <param name="LogOffset">When not null, the model sees ln(x + LogOffset) instead of x;
/// Min + LogOffset must then be positive.</param>
public readonly record struct FeatureRange(
    string Name, double Min, double Max, double? LogOffset = null)
{
    /// <summary>The width Max - Min of the range, in raw units.</summary>
    public double Width => Max - Min;

    /// <summary>The lower end of the range on the model's scale: <see cref="Map"/> of Min.</summary>
    public double Low => Map(Min);

    /// <summary>The upper end of the range on the model's scale: <see cref="Map"/> of Max.</summary>
    public double High => Map(Max);

    /// <summary>
    /// A raw value clamped to [Min, Max] and put on the model's scale: itself, or
    /// ln(x + LogOffset). The map is increasing, so it takes the range onto [Low, High].
    /// </summary>
    /// <exception cref="ArgumentException">The value is NaN.</exception>
    public double Map(double value)
    {
        // A NaN would pass through the clamp and then break every bound that the range is
        // there to give, so it is refused rather than mapped anywhere.
        if (double.IsNaN(value))
        {
            throw new ArgumentException($"Feature '{Name}' is NaN.", nameof(value));
        }

        var clamped = Math.Clamp(value, Min, Max);
        return LogOffset is { } offset ? Math.Log(clamped + offset) : clamped;
    }
}
