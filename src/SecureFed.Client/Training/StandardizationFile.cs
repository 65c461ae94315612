// The standardization a federation agrees on before training: {"mean": [...], "scale": [...]},
// one number per feature in the CSV's column order (the label column left out). Each feature
// x becomes (x - mean) / scale. Clients use the same file so that a parameter means the same
// thing in every client's model; computing it (for example from protected feature moments)
// is the federation's business, not this file's.

using System.Globalization;
using System.Text.Json;
using SecureFed.Client.State;

namespace SecureFed.Client.Training;

/// <summary>Reads the standardization file of <c>securefed train --standardization</c>.</summary>
public static class StandardizationFile
{
    private const long MaxFileLength = 16L << 20;

    /// <summary>
    /// Reads the means and scales in <paramref name="path"/> and checks that there are
    /// <paramref name="featureCount"/> of each, every mean finite and every scale positive.
    /// </summary>
    /// <returns>The means and the scales, by feature.</returns>
    /// <exception cref="InvalidDataException">The file is not such a document; the message
    /// names the file and the fault.</exception>
    public static (float[] Mean, float[] Scale) Read(string path, int featureCount)
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
            foreach (JsonProperty property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "mean" when mean is null:
                        mean = Numbers(path, property, featureCount, positive: false);
                        break;
                    case "scale" when scale is null:
                        scale = Numbers(path, property, featureCount, positive: true);
                        break;
                    default:
                        throw Bad(path, $"'{property.Name}' is unexpected or repeated; only "
                            + "\"mean\" and \"scale\" belong there.");
                }
            }

            if (mean is null || scale is null)
            {
                throw Bad(path, "it needs both \"mean\" and \"scale\".");
            }

            return (mean, scale);
        }
    }

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
