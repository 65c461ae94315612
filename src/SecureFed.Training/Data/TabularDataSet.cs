using System.Globalization;

namespace SecureFed.Training.Data;

/// <summary>
/// A table of numeric features with one class label per row, held row-major in memory.
/// </summary>
public sealed class TabularDataSet
{
    private readonly float[] _features;
    private readonly long[] _labels;

    /// <summary>Creates a data set from row-major features and class indices.</summary>
    /// <param name="features">Row-major features, <paramref name="featureCount"/> per row.</param>
    /// <param name="labels">The class index of each row, in [0, class count).</param>
    /// <param name="featureCount">The number of features per row.</param>
    /// <param name="classNames">The name of each class, by index.</param>
    /// <exception cref="ArgumentException">
    /// The sizes do not agree, or a label is out of range.
    /// </exception>
    public TabularDataSet(
        float[] features, long[] labels, int featureCount, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (features.LongLength != (long)labels.Length * featureCount)
        {
            throw new ArgumentException(
                $"{features.Length} features do not make {labels.Length} rows of {featureCount}.",
                nameof(features));
        }

        if (classNames.Count < 2)
        {
            throw new ArgumentException("At least two classes are needed.", nameof(classNames));
        }

        if (labels.Any(label => label < 0 || label >= classNames.Count))
        {
            throw new ArgumentException(
                $"A label lies outside [0, {classNames.Count}).", nameof(labels));
        }

        _features = features;
        _labels = labels;
        FeatureCount = featureCount;
        ClassNames = classNames;
    }

    /// <summary>The number of rows.</summary>
    public int RowCount => _labels.Length;

    /// <summary>The number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>The class names; a row's label is an index into this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The features, row-major.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>The class index of each row.</summary>
    public ReadOnlySpan<long> Labels => _labels;

    /// <summary>
    /// Reads a CSV file with a header row: the column named <paramref name="labelColumn"/>
    /// holds the class, every other column a number (invariant culture). Classes are
    /// numbered in numeric order when every label is an integer, in ordinal order otherwise.
    /// </summary>
    /// <exception cref="FormatException">
    /// A row has the wrong width or a non-numeric feature.
    /// </exception>
    /// <exception cref="ArgumentException">The label column is missing.</exception>
    public static TabularDataSet LoadCsv(string path, string labelColumn) =>
        LoadCsv(path, labelColumn, classNames: null);

    /// <summary>
    /// Reads a CSV file as <see cref="LoadCsv(string, string)"/> does, but when
    /// <paramref name="classNames"/> is given a class's index is its position there, so that
    /// every client of a federation numbers the classes alike, whatever its own rows hold.
    /// </summary>
    /// <exception cref="FormatException">
    /// A row has the wrong width, a non-numeric feature, or a label not in
    /// <paramref name="classNames"/>.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The label column is missing, or a class name repeats.
    /// </exception>
    public static TabularDataSet LoadCsv(
        string path, string labelColumn, IReadOnlyList<string>? classNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);

        var lines = File.ReadLines(path).Where(line => line.Length > 0).ToList();
        if (lines.Count < 2)
        {
            throw new FormatException($"{path} has no data rows.");
        }

        var header = lines[0].Split(',');
        var labelIndex = Array.IndexOf(header, labelColumn);
        if (labelIndex < 0)
        {
            throw new ArgumentException(
                $"{path} has no column '{labelColumn}'.", nameof(labelColumn));
        }

        var featureCount = header.Length - 1;
        var features = new float[(lines.Count - 1) * featureCount];
        var rawLabels = new string[lines.Count - 1];
        for (var row = 0; row < rawLabels.Length; row++)
        {
            var cells = lines[row + 1].Split(',');
            if (cells.Length != header.Length)
            {
                throw new FormatException(
                    $"{path} row {row + 2} has {cells.Length} cells, the header {header.Length}.");
            }

            var column = 0;
            for (var cell = 0; cell < cells.Length; cell++)
            {
                if (cell == labelIndex)
                {
                    rawLabels[row] = cells[cell].Trim();
                    continue;
                }

                features[(row * featureCount) + column++] =
                    float.Parse(cells[cell], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        var classes = classNames is null ? OrderClasses(rawLabels) : [.. classNames];
        if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Length)
        {
            throw new ArgumentException("A class name appears twice.", nameof(classNames));
        }

        var classIndex = classes.Select((name, index) => (name, index))
            .ToDictionary(pair => pair.name, pair => (long)pair.index, StringComparer.Ordinal);
        var labels = new long[rawLabels.Length];
        for (var row = 0; row < labels.Length; row++)
        {
            if (!classIndex.TryGetValue(rawLabels[row], out labels[row]))
            {
                throw new FormatException(
                    $"{path} row {row + 2} has the label '{rawLabels[row]}', not one of the "
                    + $"classes {string.Join(",", classes)}.");
            }
        }

        return new TabularDataSet(features, labels, featureCount, classes);
    }

    /// <summary>
    /// Shuffles the rows with <paramref name="seed"/> and splits them into a training set
    /// and a test set holding <paramref name="testFraction"/> of the rows.
    /// </summary>
    public (TabularDataSet Train, TabularDataSet Test) Split(double testFraction, int seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(testFraction), testFraction, "Must lie in (0, 1).");
        }

        var order = Enumerable.Range(0, RowCount).ToArray();
        new Random(seed).Shuffle(order);
        var testCount = (int)Math.Round(RowCount * testFraction);
        return (Select(order.AsSpan(testCount)), Select(order.AsSpan(0, testCount)));
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order, as a new data set.</summary>
    public TabularDataSet Select(ReadOnlySpan<int> rows)
    {
        var features = new float[rows.Length * FeatureCount];
        var labels = new long[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            _features.AsSpan(rows[i] * FeatureCount, FeatureCount)
                .CopyTo(features.AsSpan(i * FeatureCount));
            labels[i] = _labels[rows[i]];
        }

        return new TabularDataSet(features, labels, FeatureCount, ClassNames);
    }

    /// <summary>
    /// This data set with each feature clamped to its range and put on its scale by
    /// <see cref="FeatureRange.Map"/>, as a new data set.
    /// </summary>
    /// <param name="ranges">One range per feature, in column order.</param>
    /// <exception cref="ArgumentException">The number of ranges is not the number of features,
    /// or a value is NaN.</exception>
    public TabularDataSet MapFeatures(IReadOnlyList<FeatureRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count != FeatureCount)
        {
            throw new ArgumentException($"Need {FeatureCount} ranges.", nameof(ranges));
        }

        var features = new float[_features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)ranges[i % FeatureCount].Map(_features[i]);
        }

        return new TabularDataSet(features, _labels, FeatureCount, ClassNames);
    }

    /// <summary>
    /// This data set with each feature shifted by <paramref name="mean"/> and divided by
    /// <paramref name="scale"/>, as a new data set.
    /// </summary>
    public TabularDataSet Standardize(ReadOnlySpan<float> mean, ReadOnlySpan<float> scale)
    {
        if (mean.Length != FeatureCount || scale.Length != FeatureCount)
        {
            throw new ArgumentException($"Need {FeatureCount} means and scales.", nameof(mean));
        }

        var features = new float[_features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            var column = i % FeatureCount;
            features[i] = (_features[i] - mean[column]) / scale[column];
        }

        return new TabularDataSet(features, _labels, FeatureCount, ClassNames);
    }

    /// <summary>
    /// Each feature's mean and standard deviation over the rows; a constant feature gets
    /// scale 1 so that standardising leaves it at 0 rather than dividing by 0.
    /// </summary>
    public (float[] Mean, float[] Scale) FeatureMoments()
    {
        var mean = new double[FeatureCount];
        var square = new double[FeatureCount];
        for (var i = 0; i < _features.Length; i++)
        {
            mean[i % FeatureCount] += _features[i];
            square[i % FeatureCount] += (double)_features[i] * _features[i];
        }

        var means = new float[FeatureCount];
        var scales = new float[FeatureCount];
        for (var column = 0; column < FeatureCount; column++)
        {
            var m = mean[column] / RowCount;
            var variance = Math.Max(0, (square[column] / RowCount) - (m * m));
            means[column] = (float)m;
            scales[column] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return (means, scales);
    }

    private static string[] OrderClasses(string[] labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToArray();
        var allIntegers = distinct.All(label =>
            long.TryParse(label, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        return allIntegers
            ? [.. distinct.OrderBy(label => long.Parse(label, CultureInfo.InvariantCulture))]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }
}
