// Little-endian IEEE 754 binary32 data, as both .npy ('<f4') and .safetensors (F32) store it,
// moved between files and float arrays without an intermediate byte copy.

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SecureFed.Client.Updates;

/// <summary>Reads and writes runs of little-endian 32-bit floats.</summary>
internal static class FloatData
{
    private const int WriteChunk = 1 << 16;

    /// <summary>Fills <paramref name="destination"/> from the file at <paramref name="offset"/>;
    /// the caller has checked that the file is long enough.</summary>
    public static void Read(SafeFileHandle file, long offset, Span<float> destination)
    {
        ReadBytes(file, MemoryMarshal.AsBytes(destination), offset);
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from the file at <paramref name="offset"/>.</summary>
    /// <exception cref="EndOfStreamException">The file is shorter (it shrank while being
    /// read).</exception>
    public static void ReadBytes(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                throw new EndOfStreamException("The file ended early while it was being read.");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>Writes <paramref name="values"/> as little-endian floats.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        var chunk = new int[Math.Min(WriteChunk, values.Length)];
        for (int start = 0; start < values.Length; start += chunk.Length)
        {
            int count = Math.Min(chunk.Length, values.Length - start);
            ReadOnlySpan<int> words = MemoryMarshal.Cast<float, int>(values.Slice(start, count));
            BinaryPrimitives.ReverseEndianness(words, chunk.AsSpan(0, count));
            stream.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, count)));
        }
    }

    /// <summary>The index of the first NaN or infinity, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The product of <paramref name="shape"/>, or -1 if a dimension is negative or
    /// above <c>int.MaxValue</c>, or the product exceeds the longest float array .NET can
    /// allocate.</summary>
    public static long ElementCount(IReadOnlyList<long> shape)
    {
        foreach (long dimension in shape)
        {
            if (dimension is < 0 or > int.MaxValue)
            {
                return -1;
            }
        }

        if (shape.Contains(0))
        {
            return 0;
        }

        long count = 1;

        foreach (long dimension in shape)
        {
            if (dimension > Array.MaxLength || count > Array.MaxLength / dimension)
            {
                return -1;
            }

            count *= dimension;
        }

        return count;
    }
}
