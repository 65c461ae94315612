using System.Buffers.Binary;
using System.Text;
using SecureFed.Client.Updates;

namespace SecureFed.Client.Tests.Updates;

public sealed class NpyFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // numpy.save(np.array([1.5, -2, 0.25], dtype='<f4')) writes exactly these 140 bytes: the
    // magic, version 1.0, HEADER_LEN 118, the dict padded with spaces to 127 bytes and a newline,
    // then the three little-endian floats.
    private static byte[] HandWrittenVector()
    {
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        bytes.AddRange([118, 0]);
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
        bytes.AddRange(Encoding.ASCII.GetBytes(dict));
        while (bytes.Count < 127)
        {
            bytes.Add((byte)' ');
        }

        bytes.Add((byte)'\n');
        bytes.AddRange([0x00, 0x00, 0xC0, 0x3F]); // 1.5
        bytes.AddRange([0x00, 0x00, 0x00, 0xC0]); // -2
        bytes.AddRange([0x00, 0x00, 0x80, 0x3E]); // 0.25
        return [.. bytes];
    }

    private static byte[] Npy(string dict, byte[] data, int major = 1)
    {
        byte[] text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + "\n");
        int lengthSize = major == 1 ? 2 : 4;
        var bytes = new byte[8 + lengthSize + text.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 }
            .CopyTo(bytes, 0);
        if (lengthSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        }

        text.CopyTo(bytes, 8 + lengthSize);
        data.CopyTo(bytes, 8 + lengthSize + text.Length);
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

    private string Save(byte[] bytes, string name = "update.npy")
    {
        string path = _folder.File(name);
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
    public void Read_HandWrittenVersion1File_GivesItsValuesAndShape()
    {
        string path = Save(HandWrittenVector());

        ModelUpdate update = ModelUpdateFile.Read(path);

        Assert.Equal([1.5f, -2f, 0.25f], update.Values);
        TensorInfo tensor = Assert.Single(update.Tensors);
        Assert.Equal(ModelUpdateFile.NpyTensorName, tensor.Name);
        Assert.Equal([3], tensor.Shape);
    }

    [Fact]
    public void Write_Vector_ProducesNumpysExactBytes()
    {
        string path = _folder.File("written.npy");

        ModelUpdateFile.Write(path, ModelUpdate.FromVector([1.5f, -2f, 0.25f]));

        Assert.Equal(HandWrittenVector(), File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_ThenRead_RoundTripsAMatrixInCOrder()
    {
        float[] values = [.. Enumerable.Range(0, 12).Select(i => i * 0.5f - 3f)];
        var update = new ModelUpdate(values, [new TensorInfo("array", [3, 4])]);
        string path = _folder.File("matrix.NPY");

        ModelUpdateFile.Write(path, update);
        ModelUpdate read = ModelUpdateFile.Read(path);

        Assert.Equal(values, read.Values);
        Assert.Equal([3, 4], Assert.Single(read.Tensors).Shape);
        Assert.Equal(0, (File.ReadAllBytes(path).Length - 48) % 64);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_Version2And3Headers_AreAccepted(int major)
    {
        string path = Save(Npy("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
            Floats(7f, 8f), major));

        Assert.Equal([7f, 8f], ModelUpdateFile.Read(path).Values);
    }

    [Fact]
    public void Read_ScalarShape_GivesOneValue()
    {
        string path = Save(Npy("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": ()}",
            Floats(42f)));

        ModelUpdate update = ModelUpdateFile.Read(path);

        Assert.Equal([42f], update.Values);
        Assert.Empty(Assert.Single(update.Tensors).Shape);
    }

    [Fact]
    public void Read_FortranOrder_IsRefused() => AssertRefused(
        Npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", Floats(1, 2, 3, 4)),
        "Fortran order");

    [Theory]
    [InlineData("<f8")]
    [InlineData("<i4")]
    [InlineData("|u1")]
    public void Read_OtherDtype_IsRefused(string descr) => AssertRefused(
        Npy($"{{'descr': '{descr}', 'fortran_order': False, 'shape': (4,), }}", new byte[16]),
        $"'{descr}'");

    [Fact]
    public void Read_StructuredDtype_IsRefused() => AssertRefused(
        Npy("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]),
        "'descr' must be a string");

    [Fact]
    public void Read_BigEndian_IsRefused() => AssertRefused(
        Npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]),
        "big-endian");

    [Fact]
    public void Read_TruncatedData_IsRefused()
    {
        byte[] whole = HandWrittenVector();
        AssertRefused(whole[..^1], "needs 12 data bytes but the file holds 11");
    }

    [Fact]
    public void Read_TrailingGarbage_IsRefused() =>
        AssertRefused([.. HandWrittenVector(), 0xFF], "1 bytes follow");

    [Fact]
    public void Read_HeaderLengthPastTheEnd_IsRefused()
    {
        byte[] bytes = HandWrittenVector();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 5000);
        AssertRefused(bytes, "the header length is 5000 bytes but only 130 follow it");
    }

    [Fact]
    public void Read_HeaderLengthCuttingTheDictionary_IsRefused()
    {
        byte[] bytes = HandWrittenVector();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 30);
        AssertRefused(bytes, "not a .npy header dictionary");
    }

    [Fact]
    public void Read_HeaderLengthReachingIntoTheData_IsRefused()
    {
        byte[] bytes = HandWrittenVector();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 122);
        AssertRefused(bytes, "unexpected text after the dictionary");
    }

    [Fact]
    public void Read_HugeHeaderLength_IsRefusedBeforeReading()
    {
        byte[] bytes = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
            new byte[4], major: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.MaxValue);
        AssertRefused(bytes, "at most 10000");
    }

    [Theory]
    [InlineData("(4294967296, 4294967296)", "too large")]
    [InlineData("(3037000500, 3037000500, 3037000500)", "too large")]
    [InlineData("(99999999999999999999,)", "a dimension is too large")]
    [InlineData("(-1,)", "non-negative integer")]
    [InlineData("(3)", "(n,)")]
    [InlineData("(0, 5)", "holds no values")]
    public void Read_AbsurdShape_IsRefused(string shape, string fragment) => AssertRefused(
        Npy($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}", new byte[12]),
        fragment);

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "must hold 'descr', 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
        "unexpected key 'x'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        "appears twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "True or False")]
    public void Read_MalformedDictionary_IsRefused(string dict, string fragment) =>
        AssertRefused(Npy(dict, new byte[4]), fragment);

    [Fact]
    public void Read_WrongMagic_IsRefused()
    {
        byte[] bytes = HandWrittenVector();
        bytes[0] = (byte)'X';
        AssertRefused(bytes, "magic string");
    }

    [Fact]
    public void Read_UnknownVersion_IsRefused()
    {
        byte[] bytes = HandWrittenVector();
        bytes[6] = 4;
        AssertRefused(bytes, "version 4.0");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Read_NonFiniteValue_IsRefused(float bad) => AssertRefused(
        Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Floats(1f, bad)),
        "value 1 is");

    [Fact]
    public void Write_SeveralTensorsAsNpy_IsRefused()
    {
        var update = new ModelUpdate([1f, 2f], [new TensorInfo("a", [1]), new TensorInfo("b", [1])]);

        Assert.Throws<ArgumentException>(() => ModelUpdateFile.Write(_folder.File("x.npy"), update));
        Assert.False(File.Exists(_folder.File("x.npy")));
    }

    [Fact]
    public void Write_NaN_IsRefusedAndLeavesTheOldFile()
    {
        string path = Save(HandWrittenVector());

        Assert.Throws<ArgumentException>(
            () => ModelUpdateFile.Write(path, ModelUpdate.FromVector([float.NaN])));

        Assert.Equal(HandWrittenVector(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void Read_UnknownExtension_IsRefused()
    {
        string path = Save(HandWrittenVector(), "update.bin");

        var e = Assert.Throws<InvalidDataException>(() => ModelUpdateFile.Read(path));
        Assert.Contains(".npy or a .safetensors", e.Message, StringComparison.Ordinal);
    }
}
