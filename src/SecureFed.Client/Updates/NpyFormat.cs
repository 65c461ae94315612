// The NumPy .npy format, versions 1.0, 2.0 and 3.0, as specified in the module documentation of
// numpy/lib/format.py (which supersedes NEP 1, "A simple file format for NumPy arrays"):
//
//   6 bytes   magic string \x93NUMPY
//   2 bytes   major and minor version: 1.0, 2.0 or 3.0
//   2 bytes   HEADER_LEN, little-endian unsigned (version 1.0); 4 bytes from 2.0 on
//   HEADER_LEN bytes: a Python dict literal with exactly the keys 'descr', 'fortran_order' and
//             'shape', latin-1 up to 2.0 and UTF-8 in 3.0, padded with spaces and ended by a
//             newline so that the data starts on a multiple of 64 bytes
//   data      product(shape) * itemsize bytes (shape () holds one element)
//
// Only descr '<f4' (little-endian binary32) in C order is accepted. The header is capped at
// 10,000 bytes, numpy's own _MAX_HEADER_SIZE for headers it parses without being told to trust
// them; the data must be exactly as long as the shape needs, so that a lying header length, a
// truncated file or trailing bytes are all refused before anything is allocated.

using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SecureFed.Client.Updates;

/// <summary>Reads and writes single-array <c>.npy</c> files of little-endian floats.</summary>
internal static class NpyFormat
{
    /// <summary>numpy's _MAX_HEADER_SIZE.</summary>
    public const int MaxHeaderLength = 10_000;

    private const int Alignment = 64;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static ModelUpdate Read(string path)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        long length = RandomAccess.GetLength(file);

        Span<byte> prefix = stackalloc byte[12];
        if (length < 10)
        {
            throw Bad(path, $"{length} bytes are too few for a .npy file.");
        }

        FloatData.ReadBytes(file, prefix[..10], 0);
        if (!prefix[..6].SequenceEqual(Magic))
        {
            throw Bad(path, "it does not start with the .npy magic string \\x93NUMPY.");
        }

        int major = prefix[6];
        int minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw Bad(path, $".npy format version {major}.{minor} is not 1.0, 2.0 or 3.0.");
        }

        int lengthSize = major == 1 ? 2 : 4;
        long headerStart = 8 + lengthSize;
        if (length < headerStart)
        {
            throw Bad(path, "the file ends inside the header length.");
        }

        FloatData.ReadBytes(file, prefix[8..(int)headerStart], 8);
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        if (headerLength > MaxHeaderLength)
        {
            throw Bad(path, $"the header length is {headerLength} bytes; at most "
                + $"{MaxHeaderLength} are accepted.");
        }

        if (headerLength > length - headerStart)
        {
            throw Bad(path, $"the header length is {headerLength} bytes but only "
                + $"{length - headerStart} follow it.");
        }

        var headerBytes = new byte[headerLength];
        FloatData.ReadBytes(file, headerBytes, headerStart);
        NpyHeader header = ParseHeader(path, headerBytes, major);
        CheckHeader(path, header);

        long count = FloatData.ElementCount(header.Shape);
        if (count < 0)
        {
            throw Bad(path, $"the shape {ShapeText(header.Shape)} is too large for an update.");
        }

        if (count == 0)
        {
            throw Bad(path, $"the shape {ShapeText(header.Shape)} holds no values.");
        }

        long dataStart = headerStart + headerLength;
        long dataLength = length - dataStart;
        long expected = count * sizeof(float);
        if (dataLength < expected)
        {
            throw Bad(path, $"the shape {ShapeText(header.Shape)} needs {expected} data bytes "
                + $"but the file holds {dataLength} (truncated, or the header length is wrong).");
        }

        if (dataLength > expected)
        {
            throw Bad(path, $"{dataLength - expected} bytes follow the {expected} bytes of data "
                + $"that the shape {ShapeText(header.Shape)} needs.");
        }

        var values = new float[count];
        FloatData.Read(file, dataStart, values);
        int bad = FloatData.IndexOfNonFinite(values);
        if (bad >= 0)
        {
            throw Bad(path, $"value {bad} is {values[bad]}; an update must be finite.");
        }

        int[] shape = [.. header.Shape.Select(d => (int)d)];
        return new ModelUpdate(values, [new TensorInfo(ModelUpdateFile.NpyTensorName, shape)]);
    }

    /// <summary>Writes the update's single tensor as a version 1.0 file (2.0 if the header
    /// needs more than 65,535 bytes).</summary>
    public static void Write(Stream stream, ModelUpdate update)
    {
        if (update.Tensors.Count != 1)
        {
            throw new ArgumentException(
                $"A .npy file holds one array; this update has {update.Tensors.Count} tensors "
                + "(write it as .safetensors).", nameof(update));
        }

        IReadOnlyList<int> shape = update.Tensors[0].Shape;
        string dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': "
            + ShapeText([.. shape.Select(d => (long)d)]) + ", }";
        byte[] text = Encoding.ASCII.GetBytes(dictionary);

        int lengthSize = 2;
        int padded = PaddedHeaderLength(text.Length, lengthSize);
        if (padded > ushort.MaxValue)
        {
            lengthSize = 4;
            padded = PaddedHeaderLength(text.Length, lengthSize);
        }

        var prefix = new byte[8 + lengthSize];
        Magic.CopyTo(prefix, 0);
        prefix[6] = lengthSize == 2 ? (byte)1 : (byte)2;
        prefix[7] = 0;
        if (lengthSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)padded);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), (uint)padded);
        }

        stream.Write(prefix);
        stream.Write(text);
        for (int i = text.Length; i < padded - 1; i++)
        {
            stream.WriteByte((byte)' ');
        }

        stream.WriteByte((byte)'\n');
        FloatData.Write(stream, update.Values);
    }

    private static int PaddedHeaderLength(int textLength, int lengthSize)
    {
        int unpadded = 8 + lengthSize + textLength + 1;
        int padding = (Alignment - (unpadded % Alignment)) % Alignment;
        return textLength + 1 + padding;
    }

    private static NpyHeader ParseHeader(string path, byte[] bytes, int major)
    {
        string text;
        try
        {
            text = major == 3 ? StrictUtf8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Bad(path, "the version 3.0 header is not valid UTF-8.");
        }

        try
        {
            return NpyHeader.Parse(text);
        }
        catch (FormatException e)
        {
            throw Bad(path, $"the header is not a .npy header dictionary: {e.Message}");
        }
    }

    private static void CheckHeader(string path, NpyHeader header)
    {
        if (header.Descr is ">f4")
        {
            throw Bad(path, "its data is big-endian ('>f4'); only little-endian '<f4' is read.");
        }

        if (header.Descr != "<f4")
        {
            throw Bad(path, $"its dtype is '{header.Descr}'; only '<f4' (32-bit float) is read.");
        }

        if (header.FortranOrder)
        {
            throw Bad(path, "its data is in Fortran order; only C order is read.");
        }
    }

    private static string ShapeText(IReadOnlyList<long> shape) => shape.Count switch
    {
        0 => "()",
        1 => string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)"),
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    private static InvalidDataException Bad(string path, string problem) =>
        new($"{path}: not a usable .npy model update: {problem}");
}
