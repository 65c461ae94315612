// Model updates on disk, in the two formats a training framework writes without extra code:
// NumPy's .npy (numpy/lib/format.py, after NEP 1) for a single array, and Hugging Face's
// .safetensors (huggingface/safetensors, README "Format") for a set of named tensors. Only
// little-endian 32-bit floats are read; see NpyFormat and SafetensorsFormat for the layouts
// and the checks.

namespace SecureFed.Client.Updates;

/// <summary>Reads and writes model updates as <c>.npy</c> or <c>.safetensors</c> files.</summary>
public static class ModelUpdateFile
{
    /// <summary>The name given to the one tensor of a <c>.npy</c> file.</summary>
    public const string NpyTensorName = "array";

    /// <summary>
    /// Reads the update in <paramref name="path"/>, in the format its extension names
    /// (<c>.npy</c> or <c>.safetensors</c>, in any case).
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The flattened values and the tensors they came from; a <c>.safetensors</c>
    /// file's tensors are given in the ordinal order of their names.</returns>
    /// <exception cref="InvalidDataException">The extension is neither, or the file is not a
    /// well-formed update of finite 32-bit floats; the message names the file and the
    /// fault.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ModelUpdate Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FormatOf(path) switch
        {
            Format.Npy => NpyFormat.Read(path),
            Format.Safetensors => SafetensorsFormat.Read(path),
            _ => throw new InvalidDataException(
                $"{path}: a model update must be a .npy or a .safetensors file."),
        };
    }

    /// <summary>
    /// Writes <paramref name="update"/> to <paramref name="path"/> in the format its extension
    /// names, replacing the file atomically (a temporary file in the same folder, then a
    /// rename). A <c>.npy</c> file holds exactly one tensor.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="update">The update.</param>
    /// <exception cref="ArgumentException">The extension is neither, the tensors do not
    /// account for exactly the values, names repeat, a value is NaN or infinite, or a
    /// <c>.npy</c> file is asked to hold more than one tensor.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, ModelUpdate update)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(update);
        Format format = FormatOf(path);
        if (format == Format.Unknown)
        {
            throw new ArgumentException(
                $"{path}: a model update must be written as .npy or .safetensors.", nameof(path));
        }

        CheckConsistent(update);
        WriteAtomically(path, stream =>
        {
            if (format == Format.Npy)
            {
                NpyFormat.Write(stream, update);
            }
            else
            {
                SafetensorsFormat.Write(stream, update);
            }
        });
    }

    private static void CheckConsistent(ModelUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update.Values, nameof(update));
        ArgumentNullException.ThrowIfNull(update.Tensors, nameof(update));
        long total = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorInfo tensor in update.Tensors)
        {
            if (tensor?.Name is null || tensor.Shape is null)
            {
                throw new ArgumentException("A tensor has no name or no shape.", nameof(update));
            }

            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException(
                    $"The tensor name '{tensor.Name}' appears twice.", nameof(update));
            }

            foreach (int dimension in tensor.Shape)
            {
                if (dimension < 0)
                {
                    throw new ArgumentException(
                        $"Tensor '{tensor.Name}' has a negative dimension.", nameof(update));
                }
            }

            total += tensor.ElementCount;
        }

        if (total != update.Values.Length)
        {
            throw new ArgumentException(
                $"The tensors hold {total} values but the update has {update.Values.Length}.",
                nameof(update));
        }

        int bad = FloatData.IndexOfNonFinite(update.Values);
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"Value {bad} of the update is {update.Values[bad]}; an update must be finite.",
                nameof(update));
        }
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        string temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            // After a successful move the temporary name no longer exists.
            File.Delete(temporary);
        }
    }

    private static Format FormatOf(string path)
    {
        string extension = Path.GetExtension(path);
        if (extension.Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            return Format.Npy;
        }

        return extension.Equals(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? Format.Safetensors
            : Format.Unknown;
    }

    private enum Format
    {
        Unknown,
        Npy,
        Safetensors,
    }
}
