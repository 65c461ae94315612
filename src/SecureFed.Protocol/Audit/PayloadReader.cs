using System.Text.Json;

namespace SecureFed.Protocol.Audit;

/// <summary>
/// Reads the fields of one ledger payload (the appliance's snake_case JSON, byte strings in
/// base64). Every missing or mistyped field is a <see cref="FormatException"/> that names it,
/// which the audit turns into a finding on the entry.
/// </summary>
internal readonly struct PayloadReader
{
    private readonly JsonElement _element;
    private readonly string _where;

    public PayloadReader(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} is not a JSON object.");
        }

        _element = element;
        _where = where;
    }

    public bool Has(string name) =>
        _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public PayloadReader Object(string name) => new(Field(name), $"{_where}.{name}");

    public ulong U64(string name) =>
        Field(name).TryGetUInt64(out ulong value) ? value : throw Bad(name, "an unsigned integer");

    public uint U32(string name) =>
        Field(name).TryGetUInt32(out uint value) ? value : throw Bad(name, "a 32-bit unsigned integer");

    public int I32(string name) =>
        Field(name).TryGetInt32(out int value) ? value : throw Bad(name, "a 32-bit integer");

    public long I64(string name) =>
        Field(name).TryGetInt64(out long value) ? value : throw Bad(name, "a 64-bit integer");

    public double Double(string name)
    {
        var field = Field(name);
        return field.ValueKind == JsonValueKind.Number && field.TryGetDouble(out double value)
            && double.IsFinite(value)
            ? value
            : throw Bad(name, "a finite number");
    }

    public string Text(string name)
    {
        var field = Field(name);
        return field.ValueKind == JsonValueKind.String ? field.GetString()! : throw Bad(name, "a string");
    }

    public byte[] Bytes(string name, int? size = null) => Decode(Field(name), name, size);

    public uint[] U32Array(string name)
    {
        var field = Array(name);
        var values = new uint[field.GetArrayLength()];
        int i = 0;
        foreach (var item in field.EnumerateArray())
        {
            values[i] = item.TryGetUInt32(out uint value) ? value : throw Bad($"{name}[{i}]", "an id");
            i++;
        }

        return values;
    }

    public byte[][] BytesArray(string name, int size)
    {
        var field = Array(name);
        var values = new byte[field.GetArrayLength()][];
        int i = 0;
        foreach (var item in field.EnumerateArray())
        {
            values[i] = Decode(item, $"{name}[{i}]", size);
            i++;
        }

        return values;
    }

    public PayloadReader[] Objects(string name)
    {
        var field = Array(name);
        var values = new PayloadReader[field.GetArrayLength()];
        int i = 0;
        foreach (var item in field.EnumerateArray())
        {
            values[i] = new PayloadReader(item, $"{_where}.{name}[{i}]");
            i++;
        }

        return values;
    }

    private JsonElement Array(string name)
    {
        var field = Field(name);
        return field.ValueKind == JsonValueKind.Array ? field : throw Bad(name, "an array");
    }

    private byte[] Decode(JsonElement field, string name, int? size)
    {
        if (field.ValueKind != JsonValueKind.String || !field.TryGetBytesFromBase64(out byte[]? bytes))
        {
            throw Bad(name, "base64");
        }

        if (size is { } expected && bytes.Length != expected)
        {
            throw new FormatException($"{_where}.{name} is {bytes.Length} bytes, not {expected}.");
        }

        return bytes;
    }

    private JsonElement Field(string name) =>
        _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new FormatException($"{_where} has no field '{name}'.");

    private FormatException Bad(string name, string expected) =>
        new($"{_where}.{name} is not {expected}.");
}
