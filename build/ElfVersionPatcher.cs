// Marks a symbol-version requirement of an ELF64 little-endian shared library as weak.
//
// Follows the System V gABI (section headers) and the LSB Core specification's symbol
// versioning chapter (SHT_GNU_verneed = 0x6ffffffe, Elf64_Verneed and Elf64_Vernaux, 16
// bytes each, VER_FLG_WEAK = 0x2). glibc's loader reports a missing version only when
// the requirement is not weak, so a weak requirement on a version whose symbols nothing
// calls lets the library load on an older libstdc++.
//
// This one file serves two builds: SecureFed.Training compiles it (with
// SECUREFED_ELF_PATCHER_LIBRARY defined) so the tests can call the patcher, and
// build/LibTorchSharp.targets compiles it through RoslynCodeTaskFactory, which takes a
// single source file, hence the MSBuild task at the bottom of the same file.

#nullable enable

#if !SECUREFED_ELF_PATCHER_LIBRARY
// RoslynCodeTaskFactory compiles against netstandard 2.0 without implicit usings, which is
// also why this file reads bytes by hand rather than through spans.
using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif
using System.Text;

namespace SecureFed.Build;

/// <summary>Reads and rewrites the version-needed entries of ELF64 little-endian files.</summary>
internal static class ElfVersionPatcher
{
    /// <summary>The vna_flags bit that turns a version requirement into a weak one.</summary>
    public const ushort WeakFlag = 0x2;

    private const uint SectionTypeVersionNeed = 0x6ffffffe;
    private const int ElfHeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int EntrySize = 16;

    /// <summary>
    /// Lists every version requirement of an ELF64 little-endian image: the library that
    /// must provide it, the version name and the vna_flags.
    /// </summary>
    /// <exception cref="InvalidDataException">The image is not a well-formed ELF64 LE file.</exception>
    public static IReadOnlyList<(string File, string Version, ushort Flags)> ReadVersionNeeds(
        byte[] image)
    {
        var needs = new List<(string, string, ushort)>();
        Walk(image, (file, version, flagsOffset) =>
            needs.Add((file, version, ReadUInt16(image, flagsOffset))));
        return needs;
    }

    /// <summary>
    /// Sets <see cref="WeakFlag"/> on every requirement named <paramref name="version"/>
    /// in <paramref name="image"/>. Requirements already weak are left as they are, so a
    /// second call changes nothing.
    /// </summary>
    /// <returns>How many requirements were marked now, and how many were weak already.</returns>
    /// <exception cref="InvalidDataException">The image is not a well-formed ELF64 LE file.</exception>
    public static (int Marked, int AlreadyWeak) MarkWeak(byte[] image, string version)
    {
        var marked = 0;
        var alreadyWeak = 0;
        Walk(image, (_, name, flagsOffset) =>
        {
            if (name != version)
            {
                return;
            }

            var flags = ReadUInt16(image, flagsOffset);
            if ((flags & WeakFlag) != 0)
            {
                alreadyWeak++;
                return;
            }

            // vna_flags is little-endian and the weak bit lies in its low byte.
            image[flagsOffset] = (byte)(flags | WeakFlag);
            marked++;
        });
        return (marked, alreadyWeak);
    }

    /// <summary>
    /// Marks the requirement weak in the file at <paramref name="path"/>. The new content
    /// goes to a temporary copy that then replaces the original, so a hard or symbolic link
    /// into a package cache is replaced rather than written through.
    /// </summary>
    /// <returns>As <see cref="MarkWeak(byte[], string)"/>.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed ELF64 LE file.</exception>
    public static (int Marked, int AlreadyWeak) MarkWeakInFile(string path, string version)
    {
        var image = File.ReadAllBytes(path);
        var result = MarkWeak(image, version);
        if (result.Marked == 0)
        {
            return result;
        }

        // Copying first keeps the file mode; the rename then swaps the directory entry.
        var temporary = path + ".weak-tmp";
        File.Copy(path, temporary, overwrite: true);
        using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write))
        {
            stream.Write(image, 0, image.Length);
        }

        File.Replace(temporary, path, destinationBackupFileName: null);
        return result;
    }

    // Calls visit(file, version name, offset of vna_flags) for each Vernaux entry.
    private static void Walk(byte[] elf, Action<string, string, int> visit)
    {
        CheckHeader(elf);

        var sectionsOffset = ReadUInt64(elf, 0x28);
        var sectionSize = ReadUInt16(elf, 0x3A);
        long sectionCount = ReadUInt16(elf, 0x3C);
        if (sectionsOffset == 0)
        {
            return;
        }

        if (sectionSize != SectionHeaderSize)
        {
            throw new InvalidDataException($"Unexpected section header size {sectionSize}.");
        }

        // With 0xff00 sections or more, e_shnum is 0 and the count is section 0's sh_size.
        if (sectionCount == 0)
        {
            var first = Check(elf, sectionsOffset, SectionHeaderSize);
            sectionCount = (long)Math.Min(ReadUInt64(elf, first + 32), 1 << 24);
        }

        var sections = Check(elf, sectionsOffset, (ulong)sectionCount * SectionHeaderSize);
        for (var i = 0L; i < sectionCount; i++)
        {
            var header = sections + (i * SectionHeaderSize);
            if (ReadUInt32(elf, header + 4) != SectionTypeVersionNeed)
            {
                continue;
            }

            var link = ReadUInt32(elf, header + 40);
            if (link >= sectionCount)
            {
                throw new InvalidDataException($"Version-need section links to section {link}.");
            }

            var stringsHeader = sections + (link * SectionHeaderSize);
            var stringsSize = ReadUInt64(elf, stringsHeader + 32);
            var strings = Check(elf, ReadUInt64(elf, stringsHeader + 24), stringsSize);
            WalkSection(elf, header, strings, strings + (long)stringsSize, visit);
        }
    }

    private static void WalkSection(
        byte[] elf, long header, long strings, long stringsEnd, Action<string, string, int> visit)
    {
        var sectionSize = ReadUInt64(elf, header + 32);
        var section = Check(elf, ReadUInt64(elf, header + 24), sectionSize);

        // sh_info holds the number of Verneed entries; each vn_next and vna_next is relative.
        var needCount = ReadUInt32(elf, header + 44);
        var need = section;
        for (var n = 0u; n < needCount; n++)
        {
            CheckEntry(need, section, sectionSize);
            var auxCount = ReadUInt16(elf, need + 2);
            var file = ReadString(elf, strings, stringsEnd, ReadUInt32(elf, need + 4));

            var aux = need + ReadUInt32(elf, need + 8);
            for (var a = 0; a < auxCount; a++)
            {
                CheckEntry(aux, section, sectionSize);
                var name = ReadString(elf, strings, stringsEnd, ReadUInt32(elf, aux + 8));
                visit(file, name, (int)(aux + 4));
                aux += ReadUInt32(elf, aux + 12);
            }

            var next = ReadUInt32(elf, need + 12);
            if (next == 0)
            {
                break;
            }

            need += next;
        }
    }

    private static void CheckHeader(byte[] elf)
    {
        if (elf.Length < ElfHeaderSize || elf[0] != 0x7F || elf[1] != (byte)'E'
            || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("Not an ELF file.");
        }

        if (elf[4] != 2)
        {
            throw new InvalidDataException("Not a 64-bit ELF file (EI_CLASS is not ELFCLASS64).");
        }

        if (elf[5] != 1)
        {
            throw new InvalidDataException(
                "Not a little-endian ELF file (EI_DATA is not ELFDATA2LSB).");
        }
    }

    // Returns offset once the range [offset, offset + length) is known to lie in the image.
    private static long Check(byte[] elf, ulong offset, ulong length)
    {
        if (offset > (ulong)elf.Length || length > (ulong)elf.Length - offset)
        {
            throw new InvalidDataException(
                $"ELF structure at {offset}, {length} bytes, lies outside the {elf.Length}-byte file.");
        }

        return (long)offset;
    }

    private static void CheckEntry(long entry, long section, ulong sectionSize)
    {
        if (entry < section || (ulong)(entry - section) + EntrySize > sectionSize)
        {
            throw new InvalidDataException($"Version-need entry at {entry} lies outside its section.");
        }
    }

    private static string ReadString(byte[] elf, long strings, long stringsEnd, uint offset)
    {
        var start = strings + offset;
        var end = start;
        while (end < stringsEnd && elf[end] != 0)
        {
            end++;
        }

        if (end >= stringsEnd)
        {
            throw new InvalidDataException($"String at {offset} runs past its string table.");
        }

        return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
    }

    private static ushort ReadUInt16(byte[] elf, long at) => (ushort)(elf[at] | (elf[at + 1] << 8));

    private static uint ReadUInt32(byte[] elf, long at) =>
        ReadUInt16(elf, at) | ((uint)ReadUInt16(elf, at + 2) << 16);

    private static ulong ReadUInt64(byte[] elf, long at) =>
        ReadUInt32(elf, at) | ((ulong)ReadUInt32(elf, at + 4) << 32);
}

#if !SECUREFED_ELF_PATCHER_LIBRARY

/// <summary>MSBuild task: marks a version requirement weak in each of the given files.</summary>
public sealed class MarkElfVersionNeedWeak : Task
{
    /// <summary>The files to patch: copies in an output folder, never a package's own.</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The version name, for example GLIBCXX_3.4.32.</summary>
    [Required]
    public string Version { get; set; } = "";

    /// <inheritdoc />
    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try
            {
                var (marked, alreadyWeak) = ElfVersionPatcher.MarkWeakInFile(path, Version);
                if (marked > 0)
                {
                    Log.LogMessage(MessageImportance.High,
                        $"Marked the {Version} requirement weak in {path}.");
                }
                else if (alreadyWeak > 0)
                {
                    Log.LogMessage($"The {Version} requirement is already weak in {path}.");
                }
                else
                {
                    Log.LogMessage(MessageImportance.High,
                        $"{path} does not require {Version}; left unchanged.");
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                Log.LogError($"Cannot mark {Version} weak in {path}: {e.Message}");
            }
        }

        return !Log.HasLoggedErrors;
    }
}

#endif
