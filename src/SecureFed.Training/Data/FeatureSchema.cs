// The federation's public data schema: the label column, the class names and, for each
// feature in CSV order, a range [lo, hi] fixed before any client looks at its data. The
// ranges are what bounds one record's influence on private statistics (see
// PrivateFeatureMoments), so they must not be computed from the private rows themselves.
//
// A feature may also name a log offset: the model then sees ln(x + offset) of the clamped
// value, and every statistic over the schema (RangeMoments, PrivateFeatureMoments) is taken
// on that scale. See FeatureRange for why.
//
// File format (JSON):
//   {"label": "diagnosis", "classes": ["B", "M"],
//    "features": [{"name": "radius_mean", "min": 6, "max": 29},
//                 {"name": "area_se", "min": 0, "max": 550, "log_offset": 5.5}, ...]}

using System.Globalization;
using System.Text.Json;

namespace SecureFed.Training.Data;

/// <summary>
/// The public schema of a federation's tabular data: label column, class names and one
/// public range per feature, in the order of the CSV's feature columns.
/// </summary>
public sealed class FeatureSchema
{
    private readonly FeatureRange[] _features;

    // Each range's ends on the model's scale, computed once: ToUnit runs per value.
    private readonly double[] _lows;
    private readonly double[] _widths;

    /// <summary>Creates a schema, checking every part of it.</summary>
    /// <param name="label">The name of the label column; not empty.</param>
    /// <param name="classes">The class names in the order of the class indices; at least
    /// two, distinct and not empty.</param>
    /// <param name="features">The features in CSV column order; at least one, with distinct
    /// names that are not empty and finite ranges with min below max.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="FormatException">A part of the schema is invalid; the message names
    /// it and the value.</exception>
    public FeatureSchema(
        string label, IReadOnlyList<string> classes, IReadOnlyList<FeatureRange> features)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(features);
        if (label.Length == 0)
        {
            throw new FormatException("The label column name is empty.");
        }

        CheckClasses(classes);
        CheckFeatures(features);

        Label = label;
        Classes = [.. classes];
        _features = [.. features];
        _lows = [.. _features.Select(range => range.Low)];
        _widths = [.. _features.Select(range => range.High - range.Low)];
    }

    /// <summary>The name of the label column.</summary>
    public string Label { get; }

    /// <summary>The class names, by class index.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The features in CSV column order.</summary>
    public IReadOnlyList<FeatureRange> Features => _features;

    /// <summary>The number of features.</summary>
    public int FeatureCount => _features.Length;

    /// <summary>Reads and checks a schema file.</summary>
    /// <param name="path">The path of the JSON file.</param>
    /// <exception cref="FormatException">The file is not valid JSON or not a valid schema;
    /// the message names the file and the part.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static FeatureSchema Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = File.ReadAllText(path);
        try
        {
            return Parse(json);
        }
        catch (FormatException error)
        {
            throw new FormatException($"{path}: {error.Message}", error);
        }
    }

    /// <summary>Parses and checks a schema from its JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="FormatException">The text is not valid JSON or not a valid
    /// schema.</exception>
    public static FeatureSchema Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new FormatException($"The schema is not valid JSON: {error.Message}", error);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The schema must be a JSON object.");
            }

            var label = ReadString(Property(root, "label"), "label");
            var classes = ReadArray(Property(root, "classes"), "classes")
                .Select((element, i) => ReadString(element, $"classes[{i}]"))
                .ToList();
            var features = ReadArray(Property(root, "features"), "features")
                .Select(ReadFeature)
                .ToList();
            return new FeatureSchema(label, classes, features);
        }
    }

    /// <summary>
    /// Checks that <paramref name="data"/> has this schema's number of features and its
    /// classes in the same order.
    /// </summary>
    /// <remarks>
    /// <see cref="TabularDataSet"/> keeps no column names, so the names are not compared
    /// here; <see cref="CheckColumns(string)"/> compares them with a CSV file's header.
    /// </remarks>
    /// <exception cref="ArgumentException">The data set does not match.</exception>
    public void CheckMatches(TabularDataSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.FeatureCount != FeatureCount)
        {
            throw new ArgumentException(
                $"The data set has {data.FeatureCount} features, the schema {FeatureCount}.",
                nameof(data));
        }

        if (!data.ClassNames.SequenceEqual(Classes, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The data set's classes [{string.Join(", ", data.ClassNames)}] are not the "
                + $"schema's [{string.Join(", ", Classes)}].",
                nameof(data));
        }
    }

    /// <summary>
    /// Checks that the header of the CSV file at <paramref name="csvPath"/> holds the label
    /// column and, apart from it, exactly this schema's feature names in order: the columns
    /// <see cref="TabularDataSet.LoadCsv(string, string)"/> turns into features.
    /// </summary>
    /// <exception cref="FormatException">The header does not match; the message names the
    /// first column that differs.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public void CheckColumns(string csvPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        var header = File.ReadLines(csvPath).FirstOrDefault(line => line.Length > 0)
            ?? throw new FormatException($"{csvPath} is empty.");
        var columns = header.Split(',');
        if (Array.IndexOf(columns, Label) < 0)
        {
            throw new FormatException($"{csvPath} has no label column '{Label}'.");
        }

        var featureColumns = columns.Where(column => column != Label).ToArray();
        if (featureColumns.Length != FeatureCount)
        {
            throw new FormatException(
                $"{csvPath} has {featureColumns.Length} feature columns, "
                + $"the schema {FeatureCount}.");
        }

        for (var i = 0; i < FeatureCount; i++)
        {
            if (featureColumns[i] != _features[i].Name)
            {
                throw new FormatException(
                    $"{csvPath} feature column {i} is '{featureColumns[i]}', the schema's "
                    + $"'{_features[i].Name}'.");
            }
        }
    }

    /// <summary>
    /// Maps feature <paramref name="feature"/>'s raw value to u = (m(x) - m(min)) /
    /// (m(max) - m(min)) in [0, 1], where m is <see cref="FeatureRange.Map"/>: the clamp to
    /// the range followed by the feature's log scale, if it has one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    /// <exception cref="ArgumentException">The value is NaN.</exception>
    public double ToUnit(int feature, double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(feature);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(feature, FeatureCount);

        return Math.Clamp(
            (_features[feature].Map(value) - _lows[feature]) / _widths[feature], 0.0, 1.0);
    }

    /// <summary>
    /// Maps one row of raw features to [0, 1] with <see cref="ToUnit(int, double)"/>.
    /// </summary>
    /// <param name="row">The raw features, <see cref="FeatureCount"/> of them.</param>
    /// <param name="destination">Receives the mapped features.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or a value is
    /// NaN.</exception>
    public void ToUnit(ReadOnlySpan<float> row, Span<double> destination)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"Need {FeatureCount} features.", nameof(row));
        }

        if (destination.Length != FeatureCount)
        {
            throw new ArgumentException(
                $"Need room for {FeatureCount} features.", nameof(destination));
        }

        for (var i = 0; i < row.Length; i++)
        {
            destination[i] = ToUnit(i, row[i]);
        }
    }

    /// <summary>
    /// Each feature's range midpoint, and a sixth of its range as the scale, both on the
    /// model's scale (<see cref="FeatureRange.Low"/> to <see cref="FeatureRange.High"/>), for
    /// <see cref="TabularDataSet.Standardize"/> of <see cref="Prepare"/>d data: every value in
    /// range then maps into [-3, 3]. They come from the schema alone and so cost no privacy: the fallback when
    /// no protected round can estimate the moments.
    /// </summary>
    /// <remarks>
    /// A sixth of the range is the "range rule" estimate of a standard deviation: the
    /// expected range of a few hundred normal samples is about six standard deviations
    /// (Tippett, Biometrika 1925). Half the range would shrink a typical feature to a spread
    /// of a third, which slows training, most of all under DP where the noise does not
    /// shrink with it.
    /// </remarks>
    public (float[] Mean, float[] Scale) RangeMoments() =>
        ([.. _features.Select(range => (float)((range.Low + range.High) / 2))],
         [.. _features.Select(range => (float)((range.High - range.Low) / RangeRuleDivisor))]);

    /// <summary>The range over the standard deviation that <see cref="RangeMoments"/> assumes.</summary>
    public const double RangeRuleDivisor = 6;

    /// <summary>
    /// <paramref name="data"/> with every feature clamped to its public range and put on its
    /// scale (<see cref="FeatureRange.Map"/>), as a new data set: the features the model sees
    /// before standardisation, and the data that private statistics over this schema describe.
    /// </summary>
    /// <exception cref="ArgumentException">The data set does not match the schema, or a
    /// value is NaN.</exception>
    public TabularDataSet Prepare(TabularDataSet data)
    {
        CheckMatches(data);
        return data.MapFeatures(_features);
    }

    private static void CheckClasses(IReadOnlyList<string> classes)
    {
        if (classes.Count < 2)
        {
            throw new FormatException(
                $"The schema lists {classes.Count} classes; at least two are needed.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < classes.Count; i++)
        {
            if (string.IsNullOrEmpty(classes[i]))
            {
                throw new FormatException($"Class {i} has no name.");
            }

            if (!seen.Add(classes[i]))
            {
                throw new FormatException($"Class '{classes[i]}' is listed twice.");
            }
        }
    }

    private static void CheckFeatures(IReadOnlyList<FeatureRange> features)
    {
        if (features.Count == 0)
        {
            throw new FormatException("The schema lists no features.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < features.Count; i++)
        {
            var (name, min, max, logOffset) = features[i];
            if (string.IsNullOrEmpty(name))
            {
                throw new FormatException($"Feature {i} has no name.");
            }

            if (!seen.Add(name))
            {
                throw new FormatException($"Feature '{name}' is listed twice.");
            }

            if (!double.IsFinite(min) || !double.IsFinite(max))
            {
                throw new FormatException(
                    $"Feature '{name}' has a range [{Show(min)}, {Show(max)}] that is not finite.");
            }

            if (!(min < max))
            {
                throw new FormatException(
                    $"Feature '{name}' has min {Show(min)} not below max {Show(max)}.");
            }

            // The width divides every value; an overflowing one would map all of them to 0.
            if (!double.IsFinite(max - min))
            {
                throw new FormatException(
                    $"Feature '{name}' has a range [{Show(min)}, {Show(max)}] too wide "
                    + "for a double.");
            }

            if (logOffset is { } offset && !(double.IsFinite(offset) && min + offset > 0))
            {
                throw new FormatException(
                    $"Feature '{name}' has log_offset {Show(offset)}: min + log_offset must "
                    + "be positive and finite for ln(x + log_offset) to exist on the range.");
            }
        }
    }

    private static FeatureRange ReadFeature(JsonElement element, int index)
    {
        var where = $"features[{index}]";
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} must be an object with name, min and max.");
        }

        var name = ReadString(Property(element, "name", where), $"{where}.name");
        var min = ReadNumber(Property(element, "min", where), $"{where}.min");
        var max = ReadNumber(Property(element, "max", where), $"{where}.max");
        double? logOffset = element.TryGetProperty("log_offset", out var offset)
            ? ReadNumber(offset, $"{where}.log_offset")
            : null;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("name" or "min" or "max" or "log_offset"))
            {
                throw new FormatException(
                    $"{where} has an unknown property '{property.Name}'; a feature has name, "
                    + "min, max and optionally log_offset.");
            }
        }

        return new FeatureRange(name, min, max, logOffset);
    }

    private static JsonElement Property(JsonElement element, string name, string? where = null) =>
        element.TryGetProperty(name, out var value)
            ? value
            : throw new FormatException(
                where is null ? $"The schema has no '{name}'." : $"{where} has no '{name}'.");

    private static string ReadString(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new FormatException($"{where} must be a string, not {element.ValueKind}.");

    private static IEnumerable<JsonElement> ReadArray(JsonElement element, string where) =>
        element.ValueKind == JsonValueKind.Array
            ? element.EnumerateArray().ToList()
            : throw new FormatException($"{where} must be an array, not {element.ValueKind}.");

    private static double ReadNumber(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new FormatException($"{where} must be a number, not {element.ValueKind}.");
        }

        // TryGetDouble refuses numbers beyond the range of a double, such as 1e400.
        if (!element.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw new FormatException($"{where} ({element.GetRawText()}) is not a finite double.");
        }

        return value;
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
