using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecureFed.Enclave.Storage;

/// <summary>The one JSON style of the appliance's stored records and ledger payloads.</summary>
public static class EnclaveJson
{
    /// <summary>snake_case names, enums as strings, no indentation.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = false,
    };

    /// <summary>UTF-8 JSON of <paramref name="value"/>.</summary>
    public static byte[] Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Reads UTF-8 JSON.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed or empty.</exception>
    public static T Read<T>(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidDataException($"A stored {typeof(T).Name} is empty.");
        }
        catch (JsonException malformed)
        {
            throw new InvalidDataException($"A stored {typeof(T).Name} is malformed: {malformed.Message}", malformed);
        }
    }
}
