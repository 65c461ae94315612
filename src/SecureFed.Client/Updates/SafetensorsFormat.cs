// The safetensors format of Hugging Face (github.com/huggingface/safetensors, README, "Format"):
//
//   8 bytes   N, the header size, an unsigned 64-bit little-endian integer
//   N bytes   a UTF-8 JSON object: each tensor name maps to {"dtype", "shape", "data_offsets":
//             [BEGIN, END]}, offsets into the byte buffer with END one past the last byte; an
//             optional "__metadata__" maps strings to strings; duplicate keys are not allowed
//   the rest  the byte buffer, little-endian, C order, no strides
//
// Following the README's safety notes, the header may not exceed 100 MB, and the tensors must
// not overlap: sorted by offset they must tile the buffer exactly from 0 to its end, as the
// reference implementation's validation demands, so no byte is read twice and none is left
// over. The README leaves NaN and infinities to the reader; an update with them is refused.
// Only F32 tensors are read. The writer pads the header with spaces to a multiple of 8 bytes,
// as the reference writer does, so the data stays aligned.

using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace SecureFed.Client.Updates;

/// <summary>Reads and writes <c>.safetensors</c> files of 32-bit float tensors.</summary>
internal static class SafetensorsFormat
{
    /// <summary>The README's limit on the header, 100 MB.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    public static ModelUpdate Read(string path)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        long length = RandomAccess.GetLength(file);
        if (length < 8)
        {
            throw Bad(path, $"{length} bytes are too few to hold the 8-byte header size.");
        }

        Span<byte> prefix = stackalloc byte[8];
        FloatData.ReadBytes(file, prefix, 0);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
        {
            throw Bad(path, $"the header size is {headerLength} bytes; at most "
                + $"{MaxHeaderLength} are accepted.");
        }

        if ((long)headerLength > length - 8)
        {
            throw Bad(path, $"the header size is {headerLength} bytes but only {length - 8} "
                + "follow it.");
        }

        var header = new byte[headerLength];
        FloatData.ReadBytes(file, header, 8);
        long bufferStart = 8 + (long)headerLength;
        List<Entry> entries = ParseHeader(path, header);
        CheckLayout(path, entries, length - bufferStart);

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        long total = entries.Sum(e => e.Count);
        if (total > Array.MaxLength)
        {
            throw Bad(path, $"its tensors hold {total} values, more than an update can.");
        }

        if (total == 0)
        {
            throw Bad(path, "its tensors hold no values.");
        }

        var values = new float[total];
        var tensors = new List<TensorInfo>(entries.Count);
        int at = 0;
        foreach (Entry entry in entries)
        {
            Span<float> slice = values.AsSpan(at, (int)entry.Count);
            FloatData.Read(file, bufferStart + entry.Begin, slice);
            int bad = FloatData.IndexOfNonFinite(slice);
            if (bad >= 0)
            {
                throw Bad(path, $"value {bad} of tensor '{entry.Name}' is {slice[bad]}; "
                    + "an update must be finite.");
            }

            tensors.Add(new TensorInfo(entry.Name, [.. entry.Shape.Select(d => (int)d)]));
            at += (int)entry.Count;
        }

        return new ModelUpdate(values, tensors);
    }

    /// <summary>Writes every tensor as F32, the data in the update's order.</summary>
    public static void Write(Stream stream, ModelUpdate update)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (TensorInfo tensor in update.Tensors)
            {
                long end = offset + (long)tensor.ElementCount * sizeof(float);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        while (buffer.Length % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)buffer.Length);
        stream.Write(prefix);
        buffer.Position = 0;
        buffer.CopyTo(stream);
        FloatData.Write(stream, update.Values);
    }

    private static List<Entry> ParseHeader(string path, byte[] header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw Bad(path, $"the header is not valid JSON: {e.Message}");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, "the header is not a JSON object.");
            }

            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw Bad(path, $"the header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey)
                {
                    CheckMetadata(path, property.Value);
                }
                else
                {
                    entries.Add(ParseEntry(path, property.Name, property.Value));
                }
            }

            return entries;
        }
    }

    private static void CheckMetadata(string path, JsonElement metadata)
    {
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, $"{MetadataKey} is not an object of strings.");
        }

        foreach (JsonProperty item in metadata.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Bad(path, $"{MetadataKey} entry '{item.Name}' is not a string.");
            }
        }
    }

    private static Entry ParseEntry(string path, string name, JsonElement tensor)
    {
        if (tensor.ValueKind != JsonValueKind.Object)
        {
            throw Bad(path, $"tensor '{name}' is not described by an object.");
        }

        string? dtype = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        foreach (JsonProperty field in tensor.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null:
                    dtype = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()
                        : throw Bad(path, $"the dtype of tensor '{name}' is not a string.");
                    break;
                case "shape" when shape is null:
                    shape = Integers(path, name, "shape", field.Value);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = Integers(path, name, "data_offsets", field.Value);
                    break;
                default:
                    throw Bad(path, $"tensor '{name}' has an unexpected or repeated field "
                        + $"'{field.Name}'.");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            throw Bad(path, $"tensor '{name}' needs dtype, shape and data_offsets.");
        }

        if (dtype != "F32")
        {
            throw Bad(path, $"tensor '{name}' has dtype {dtype}; only F32 is read.");
        }

        if (offsets.Count != 2 || offsets[0] > offsets[1])
        {
            throw Bad(path, $"the data_offsets of tensor '{name}' are not [BEGIN, END] with "
                + "BEGIN <= END.");
        }

        long count = FloatData.ElementCount(shape);
        if (count < 0)
        {
            throw Bad(path, $"the shape of tensor '{name}' is too large for an update.");
        }

        if (offsets[1] - offsets[0] != count * sizeof(float))
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' has {count} F32 values ({count * sizeof(float)} bytes) but "
                + $"its data_offsets span {offsets[1] - offsets[0]} bytes."));
        }

        return new Entry(name, shape, count, offsets[0], offsets[1]);
    }

    private static List<long> Integers(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad(path, $"the {field} of tensor '{name}' is not an array.");
        }

        var result = new List<long>();
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number)
                || number < 0)
            {
                throw Bad(path, $"the {field} of tensor '{name}' holds {item.GetRawText()}, not "
                    + "a non-negative integer.");
            }

            result.Add(number);
        }

        return result;
    }

    private static void CheckLayout(string path, List<Entry> entries, long bufferLength)
    {
        var byOffset = entries
            .OrderBy(e => e.Begin)
            .ThenBy(e => e.End)
            .ToList();
        long expected = 0;
        foreach (Entry entry in byOffset)
        {
            if (entry.Begin < expected)
            {
                throw Bad(path, $"the data of tensor '{entry.Name}' overlaps another tensor's.");
            }

            if (entry.Begin > expected)
            {
                throw Bad(path, $"{entry.Begin - expected} bytes of the buffer before tensor "
                    + $"'{entry.Name}' belong to no tensor.");
            }

            if (entry.End > bufferLength)
            {
                throw Bad(path, $"the data_offsets of tensor '{entry.Name}' end at "
                    + $"{entry.End}, past the {bufferLength}-byte buffer.");
            }

            expected = entry.End;
        }

        if (expected != bufferLength)
        {
            throw Bad(path, $"{bufferLength - expected} bytes at the end of the buffer belong "
                + "to no tensor.");
        }
    }

    private static InvalidDataException Bad(string path, string problem) =>
        new($"{path}: not a usable .safetensors model update: {problem}");

    private sealed record Entry(string Name, List<long> Shape, long Count, long Begin, long End);
}
