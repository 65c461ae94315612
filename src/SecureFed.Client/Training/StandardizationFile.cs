// The standardization a federation agrees on before training: {"mean": [...], "scale": [...]},
// one number per feature in the CSV's column order (the label column left out). Each feature
// x becomes (x - mean) / scale. Clients use the same file so that a parameter means the same
// thing in every client's model; computing it (for example from protected feature moments)
// is the federation's business, not this file's.
//
// An optional "preprocessing" array, one {"min": lo, "max": hi, "log_offset": c} per feature
// ("name" may be given; "log_offset" may be left out or null), is applied first: x is clamped
// to [lo, hi] and, with an offset, replaced by ln(x + c), as FeatureSchema.Prepare does with a
// federation's public schema. The mean and scale are then on that scale. The demo's
// model.json describes its features in the same shape.

using System.Globalization;
using System.Text.Json;
using SecureFed.Client.State;
using SecureFed.Training.Data;

namespace SecureFed.Client.Training;

/// <summary>Reads the standardization file of <c>securefed train --standardization</c>.</summary>
public static class StandardizationFile
{
    private const long MaxFileLength = 16L << 20;

    /// <summary>
    /// Reads the preprocessing, means and scales in <paramref name="path"/> and checks that
    /// there are <paramref name="featureCount"/> of each, every range finite and not empty,
    /// every log offset valid on its range, every mean finite and every scale positive.
    /// </summary>
    /// <returns>The standardization.</returns>
    /// <exception cref="InvalidDataException">The file is not such a document; the message
    /// names the file and the fault.</exception>
    public static Standardization Read(string path, int featureCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);

        byte[] bytes = StateDirectory.ReadSmall(path, MaxFileLength);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw Bad(path, $"it is not valid JSON: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, "it is not a JSON object.");
            }

            float[]? mean = null;
            float[]? scale = null;
            FeatureRange[]? ranges = null;
            foreach (JsonProperty property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "preprocessing" when ranges is null:
                        ranges = Ranges(path, property, featureCount);
                        break;
                    case "mean" when mean is null:
                        mean = Numbers(path, property, featureCount, positive: false);
                        break;
                    case "scale" when scale is null:
                        scale = Numbers(path, property, featureCount, positive: true);
                        break;
                    default:
                        throw Bad(path, $"'{property.Name}' is unexpected or repeated; only "
                            + "\"preprocessing\", \"mean\" and \"scale\" belong there.");
                }
            }

            if (mean is null || scale is null)
            {
                throw Bad(path, "it needs both \"mean\" and \"scale\".");
            }

            return new Standardization(ranges, mean, scale);
        }
    }

    private static FeatureRange[] Ranges(string path, JsonProperty property, int count)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, "\"preprocessing\" is not an array of objects.");
        }

        int length = property.Value.GetArrayLength();
        if (length != count)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"\"preprocessing\" has {length} entries; the data has {count} features."));
        }

        var ranges = new FeatureRange[count];
        int i = 0;
        foreach (JsonElement item in property.Value.EnumerateArray())
        {
            ranges[i] = Range(path, item, i);
            i++;
        }

        return ranges;
    }

    private static FeatureRange Range(string path, JsonElement item, int index)
    {
        string where = string.Create(CultureInfo.InvariantCulture, $"\"preprocessing\"[{index}]");
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, $"{where} is not an object with min and max.");
        }

        string name = string.Create(CultureInfo.InvariantCulture, $"feature {index}");
        double? min = null;
        double? max = null;
        double? logOffset = null;
        foreach (JsonProperty field in item.EnumerateObject())
        {
            switch (field.Name)
            {
                case "name" when field.Value.ValueKind == JsonValueKind.String:
                    name = field.Value.GetString()!;
                    break;
                case "min":
                    min = Number(path, field.Value, $"{where}.min");
                    break;
                case "max":
                    max = Number(path, field.Value, $"{where}.max");
                    break;
                case "log_offset" when field.Value.ValueKind == JsonValueKind.Null:
                    break;
                case "log_offset":
                    logOffset = Number(path, field.Value, $"{where}.log_offset");
                    break;
                default:
                    throw Bad(path, $"{where} has '{field.Name}', which is unexpected or not of "
                        + "the right kind; an entry has name, min, max and log_offset.");
            }
        }

        if (min is not { } lo || max is not { } hi)
        {
            throw Bad(path, $"{where} needs both \"min\" and \"max\".");
        }

        if (!(lo < hi) || !double.IsFinite(hi - lo))
        {
            throw Bad(path, $"{where} has min {Show(lo)} not below max {Show(hi)}.");
        }

        if (logOffset is { } offset && !(lo + offset > 0))
        {
            throw Bad(path, $"{where} has log_offset {Show(offset)}: min + log_offset must be "
                + "positive for the log to exist on the range.");
        }

        return new FeatureRange(name, lo, hi, logOffset);
    }

    private static double Number(string path, JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Number
            || !item.TryGetDouble(out double value)
            || !double.IsFinite(value))
        {
            throw Bad(path, $"{where} is {item.GetRawText()}, not a finite number.");
        }

        return value;
    }

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static float[] Numbers(string path, JsonProperty property, int count, bool positive)
    {
        if (property.Value.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, $"\"{property.Name}\" is not an array of numbers.");
        }

        int length = property.Value.GetArrayLength();
        if (length != count)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"\"{property.Name}\" has {length} numbers; the data has {count} features."));
        }

        var values = new float[count];
        int i = 0;
        foreach (JsonElement item in property.Value.EnumerateArray())
        {
            // A value beyond float's range would become infinity and poison every feature.
            if (item.ValueKind != JsonValueKind.Number
                || !item.TryGetDouble(out double value)
                || !float.IsFinite((float)value)
                || (positive && !((float)value > 0)))
            {
                throw Bad(path, $"\"{property.Name}\"[{i}] is {item.GetRawText()}, not a "
                    + (positive ? "positive number." : "finite number."));
            }

            values[i++] = (float)value;
        }

        return values;
    }

    private static InvalidDataException Bad(string path, string problem) =>
        new($"{path}: not a standardization file: {problem}");
}
