using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using SecureFed.Client.Updates;

namespace SecureFed.Client.Tests.Updates;

public sealed class SafetensorsFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static byte[] File8(string header, params byte[] buffer)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        buffer.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }

    private static string Tensor(string name, string shape, long begin, long end, string dtype = "F32") =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    private string Save(byte[] bytes)
    {
        string path = _folder.File("update.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void AssertRefused(byte[] bytes, string fragment)
    {
        string path = Save(bytes);
        var e = Assert.Throws<InvalidDataException>(() => ModelUpdateFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HandWrittenFile_GivesItsValues()
    {
        // 8-byte size 54, the header, then 1.5 and -2 as little-endian floats.
        byte[] header = Encoding.ASCII.GetBytes(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        Assert.Equal(54, header.Length);
        byte[] bytes =
        [
            54, 0, 0, 0, 0, 0, 0, 0,
            .. header,
            0x00, 0x00, 0xC0, 0x3F,
            0x00, 0x00, 0x00, 0xC0,
        ];
        string path = Save(bytes);

        ModelUpdate update = ModelUpdateFile.Read(path);

        Assert.Equal([1.5f, -2f], update.Values);
        TensorInfo tensor = Assert.Single(update.Tensors);
        Assert.Equal("w", tensor.Name);
        Assert.Equal([2], tensor.Shape);
    }

    [Fact]
    public void Read_FlattensTensorsInOrdinalNameOrder_NotFileOrder()
    {
        // Stored b, a, B; ordinal order is B (0x42) < a < b.
        string header = "{\"__metadata__\":{\"format\":\"pt\"},"
            + Tensor("b", "[1]", 0, 4) + "," + Tensor("a", "[2]", 4, 12) + ","
            + Tensor("B", "[]", 12, 16) + "}";
        string path = Save(File8(header, Floats(10f, 20f, 21f, 30f)));

        ModelUpdate update = ModelUpdateFile.Read(path);

        Assert.Equal([30f, 20f, 21f, 10f], update.Values);
        Assert.Equal(["B", "a", "b"], update.Tensors.Select(t => t.Name));
        Assert.Empty(update.Tensors[0].Shape);
        Assert.Equal([2], update.Tensors[1].Shape);
    }

    [Fact]
    public void Read_EmptyTensorBesideOthers_IsAccepted()
    {
        string header = "{" + Tensor("empty", "[0, 3]", 4, 4) + "," + Tensor("x", "[1]", 0, 4) + "}";
        string path = Save(File8(header, Floats(5f)));

        ModelUpdate update = ModelUpdateFile.Read(path);

        Assert.Equal([5f], update.Values);
        Assert.Equal([0, 3], update.Tensors[0].Shape);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsSortedTensors()
    {
        float[] values = [.. Enumerable.Range(0, 9).Select(i => i - 4.25f)];
        var update = new ModelUpdate(values,
        [
            new TensorInfo("layer.0.bias", [3]),
            new TensorInfo("layer.0.weight", [2, 3]),
        ]);
        string path = _folder.File("model.safetensors");

        ModelUpdateFile.Write(path, update);
        ModelUpdate read = ModelUpdateFile.Read(path);

        Assert.Equal(values, read.Values);
        Assert.Equal(update.Tensors, read.Tensors, (a, b) => a.Name == b.Name && a.Shape.SequenceEqual(b.Shape));
    }

    [Fact]
    public void Write_AlignsTheBufferAndDescribesEachTensor()
    {
        var update = new ModelUpdate([1f, 2f, 3f], [new TensorInfo("z", [1]), new TensorInfo("y", [2])]);
        string path = _folder.File("model.safetensors");

        ModelUpdateFile.Write(path, update);

        byte[] bytes = File.ReadAllBytes(path);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, size % 8);
        Assert.Equal(8 + (long)size + 12, bytes.Length);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)size));
        JsonElement y = header.RootElement.GetProperty("y");
        Assert.Equal("F32", y.GetProperty("dtype").GetString());
        Assert.Equal([4, 12], y.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + (int)size)));
    }

    [Fact]
    public void Read_OverlappingOffsets_AreRefused() => AssertRefused(
        File8("{" + Tensor("a", "[2]", 0, 8) + "," + Tensor("b", "[2]", 4, 12) + "}", new byte[12]),
        "overlaps");

    [Fact]
    public void Read_OffsetsPastTheBuffer_AreRefused() => AssertRefused(
        File8("{" + Tensor("a", "[2]", 0, 8) + "}", new byte[4]), "past the 4-byte buffer");

    [Fact]
    public void Read_GapBetweenTensors_IsRefused() => AssertRefused(
        File8("{" + Tensor("a", "[1]", 0, 4) + "," + Tensor("b", "[1]", 8, 12) + "}", new byte[12]),
        "belong to no tensor");

    [Fact]
    public void Read_TrailingBytes_AreRefused() => AssertRefused(
        File8("{" + Tensor("a", "[1]", 0, 4) + "}", new byte[6]), "2 bytes at the end");

    [Fact]
    public void Read_OffsetsDisagreeingWithShape_AreRefused() => AssertRefused(
        File8("{" + Tensor("a", "[3]", 0, 8) + "}", new byte[8]), "span 8 bytes");

    [Fact]
    public void Read_ReversedOffsets_AreRefused() => AssertRefused(
        File8("{" + Tensor("a", "[1]", 8, 4) + "}", new byte[8]), "BEGIN <= END");

    [Fact]
    public void Read_HeaderLongerThanTheFile_IsRefused()
    {
        byte[] bytes = File8("{" + Tensor("a", "[1]", 0, 4) + "}", new byte[4]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 4096);
        AssertRefused(bytes, "the header size is 4096 bytes but only");
    }

    [Fact]
    public void Read_HeaderOver100MB_IsRefused()
    {
        byte[] bytes = File8("{}");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100_000_001);
        AssertRefused(bytes, "at most 100000000");
    }

    [Fact]
    public void Read_TooShortForTheSize_IsRefused() => AssertRefused([1, 2, 3], "too few");

    [Theory]
    [InlineData("F16")]
    [InlineData("BF16")]
    [InlineData("F64")]
    [InlineData("I32")]
    public void Read_NonF32Tensor_IsRefused(string dtype) => AssertRefused(
        File8("{" + Tensor("a", "[1]", 0, 4, dtype) + "}", new byte[4]), $"dtype {dtype}");

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Read_NonFiniteValue_IsRefused(float bad) => AssertRefused(
        File8("{" + Tensor("a", "[1]", 0, 4) + "," + Tensor("b", "[2]", 4, 12) + "}",
            Floats(0f, 1f, bad)),
        "value 1 of tensor 'b'");

    [Theory]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "is not a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,0]}}", "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", "needs dtype, shape and data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":0}}", "field 'x'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}",
        "too large")]
    public void Read_MalformedHeader_IsRefused(string header, string fragment) =>
        AssertRefused(File8(header, new byte[4]), fragment);

    [Fact]
    public void Read_NoTensors_IsRefused() => AssertRefused(File8("{\"__metadata__\":{}}"), "hold no values");

    [Fact]
    public void Read_DuplicateTensorName_IsRefused() => AssertRefused(
        File8("{" + Tensor("a", "[1]", 0, 4) + "," + Tensor("a", "[1]", 4, 8) + "}", new byte[8]),
        "names 'a' twice");

    [Fact]
    public void Write_TensorsNotMatchingValues_IsRefused()
    {
        var update = new ModelUpdate([1f, 2f, 3f], [new TensorInfo("a", [2])]);

        Assert.Throws<ArgumentException>(
            () => ModelUpdateFile.Write(_folder.File("m.safetensors"), update));
    }
}
